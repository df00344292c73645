import { describe, expect, it } from 'vitest'
import { parseCpus, parseMemoryMb, parsePositiveInt } from '../../../src/config/values.js'
import { thrownBy } from '../helpers/errors.js'

describe('parseMemoryMb', () => {
  it.each([
    ['4096', 4096],
    ['512m', 512],
    ['512M', 512],
    ['512MiB', 512],
    ['4g', 4096],
    ['4G', 4096],
    ['4GiB', 4096],
    ['1.5g', 1536],
    ['1t', 1024 * 1024],
    ['65536k', 64],
    [' 2g ', 2048],
  ])('reads %j as %d MiB', (raw, mb) => {
    expect(parseMemoryMb(raw)).toBe(mb)
  })

  it.each(['', 'lots', '4gb4', '-1g', '4 x', 'g', '0x10'])('refuses %j as a usage error naming the flag', (raw) => {
    const err = thrownBy(() => parseMemoryMb(raw))
    expect(err.kind).toBe('usage')
    expect(err.exitCode).toBe(2)
    expect(err.message).toBe(`--memory "${raw}" is not a size`)
    expect(err.hint).toContain('512m')
  })

  it.each(['0', '5m', '1k'])('refuses %j as too small for podman', (raw) => {
    expect(thrownBy(() => parseMemoryMb(raw)).message).toBe(`--memory "${raw}" is too small`)
  })

  it('names the variable it came from', () => {
    expect(thrownBy(() => parseMemoryMb('huge', 'WRAPIX_MEMORY')).message).toBe('WRAPIX_MEMORY "huge" is not a size')
  })
})

describe('parseCpus', () => {
  it.each([['2', 2], ['1.5', 1.5], ['0.5', 0.5], ['16', 16]])('reads %j', (raw, n) => {
    expect(parseCpus(raw)).toBe(n)
  })
  it.each(['0', '-1', 'two', '', '1e3', '2,5', 'Infinity'])('refuses %j', (raw) => {
    const err = thrownBy(() => parseCpus(raw))
    expect(err.kind).toBe('usage')
    expect(err.message).toBe(`--cpus "${raw}" is not a positive number`)
  })
})

describe('parsePositiveInt', () => {
  it('reads a whole number', () => {
    expect(parsePositiveInt('4096')).toBe(4096)
  })
  it.each(['0', '-5', '1.5', '4k', '', '99999999999999999999'])('refuses %j for --pids-limit', (raw) => {
    const err = thrownBy(() => parsePositiveInt(raw))
    expect(err.kind).toBe('usage')
    expect(err.message).toBe(`--pids-limit "${raw}" is not a positive whole number`)
    expect(err.hint).toBe('use e.g. --pids-limit 4096')
  })
})
