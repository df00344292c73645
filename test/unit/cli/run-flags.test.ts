import { describe, expect, it } from 'vitest'
import { parseEnvFile, parseRunFlags, parseVolume } from '../../../src/cli/run-flags.js'
import { thrownBy } from '../helpers/errors.js'

const noFiles = (file: string): string => {
  throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' })
}

describe('-e', () => {
  it('KEY=VAL sets a value; KEY passes the host variable', () => {
    const flags = parseRunFlags({ env: ['A=1', 'B', 'C=', 'D=x=y'] })
    expect(flags.env).toEqual({ A: '1', C: '', D: 'x=y' })
    expect(flags.passEnv).toEqual(['B'])
  })

  it('keeps a value with spaces and quotes verbatim', () => {
    expect(parseRunFlags({ env: [`MSG=it's "fine" here`] }).env.MSG).toBe(`it's "fine" here`)
  })

  it.each(['1A=x', 'A-B=x', '=x', 'A B=x', ''])('refuses -e %j, naming the variable', (item) => {
    const err = thrownBy(() => parseRunFlags({ env: [item] }))
    expect(err.kind).toBe('usage')
    expect(err.message).toMatch(/^-e .*is not a variable name$/)
    expect(err.hint).toContain('-e NAME=VALUE')
  })

  it('-e wins over --env-file for the same name', () => {
    const flags = parseRunFlags({ envFile: ['.env'], env: ['A=flag'] }, () => 'A=file\nB=file\n')
    expect(flags.env).toEqual({ A: 'flag', B: 'file' })
  })
})

describe('--env-file', () => {
  it('reads NAME=VALUE lines with comments, blank lines, export and quotes', () => {
    const text = ['# secrets', '', 'export TOKEN=abc', 'QUOTED="two words"', "SINGLE='x y'", 'EMPTY=', '  INDENTED=1  ', 'HALF="open', 'HASH=a#b', 'WIN=1\r'].join('\n')
    expect(parseEnvFile(text, '.env')).toEqual({
      TOKEN: 'abc',
      QUOTED: 'two words',
      SINGLE: 'x y',
      EMPTY: '',
      INDENTED: '1',
      HALF: '"open',
      HASH: 'a#b',
      WIN: '1',
    })
  })

  it('names the file and line of a bad line', () => {
    const err = thrownBy(() => parseEnvFile('A=1\n# ok\nnot a line\n', '/p/.env'))
    expect(err.kind).toBe('usage')
    expect(err.message).toBe('--env-file /p/.env:3: expected NAME=VALUE')
  })

  it.each(['1BAD=x', 'A-B=1', 'export', '=x'])('refuses %j', (line) => {
    expect(thrownBy(() => parseEnvFile(line, 'f')).message).toBe('--env-file f:1: expected NAME=VALUE')
  })

  it('names a missing file', () => {
    const err = thrownBy(() => parseRunFlags({ envFile: ['/nope/.env'] }, noFiles))
    expect(err.message).toBe('--env-file /nope/.env: no such file')
  })

  it('reads several files in order, the later winning', () => {
    const files: Record<string, string> = { a: 'X=a\nY=a\n', b: 'Y=b\n' }
    expect(parseRunFlags({ envFile: ['a', 'b'] }, (f) => files[f]!).env).toEqual({ X: 'a', Y: 'b' })
  })
})

describe('-v', () => {
  it.each([
    ['~/data:/data', { source: '~/data', dest: '/data', mode: 'rw' }],
    ['~/data:/data:ro', { source: '~/data', dest: '/data', mode: 'ro' }],
    ['./rel:/mnt/rel:rw', { source: './rel', dest: '/mnt/rel', mode: 'rw' }],
    ['/with space/x:/in sandbox', { source: '/with space/x', dest: '/in sandbox', mode: 'rw' }],
  ])('reads %j', (spec, mount) => {
    expect(parseVolume(spec)).toEqual({ ...mount, optional: false })
  })

  it.each(['/data', '/a:/b:rx', '/a:/b:ro:x', ':/b', '/a:', '/a::ro', 'C:\\x:/b:ro:rw'])('refuses %j', (spec) => {
    const err = thrownBy(() => parseVolume(spec))
    expect(err.kind).toBe('usage')
    expect(err.message).toBe(`-v ${spec}: expected SRC:DST or SRC:DST:ro|rw`)
  })

  it('refuses a relative destination', () => {
    expect(thrownBy(() => parseVolume('/a:data')).message).toBe('-v /a:data: destination "data" must be an absolute path')
  })

  it('collects every -v in order', () => {
    expect(parseRunFlags({ volume: ['/a:/a', '/b:/b:ro'] }).mounts.map((m) => m.dest)).toEqual(['/a', '/b'])
  })
})

describe('other run flags', () => {
  it('parses limits into numbers', () => {
    expect(parseRunFlags({ memory: '2g', cpus: '1.5', pidsLimit: '100' })).toMatchObject({ memoryMb: 2048, cpus: 1.5, pidsLimit: 100 })
  })

  it('leaves absent flags undefined so lower layers apply', () => {
    const flags = parseRunFlags({})
    expect([flags.memoryMb, flags.cpus, flags.pidsLimit, flags.boundary, flags.agent, flags.image]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined])
  })

  it('refuses a bad choice', () => {
    expect(thrownBy(() => parseRunFlags({ boundary: 'vm' })).message).toBe('--boundary "vm" is not valid')
    expect(thrownBy(() => parseRunFlags({ agent: 'clippy' })).hint).toBe('use one of: claude, codex, gemini, shell')
  })

  it('refuses an empty --image', () => {
    expect(thrownBy(() => parseRunFlags({ image: ' ' })).message).toBe('--image is empty')
  })

  it('refuses a bad size, naming the flag', () => {
    expect(thrownBy(() => parseRunFlags({ memory: 'lots' })).message).toBe('--memory "lots" is not a size')
    expect(thrownBy(() => parseRunFlags({ pidsLimit: '0' })).message).toBe('--pids-limit "0" is not a positive whole number')
  })
})
