import { describe, expect, it } from 'vitest'
import { parseSubIds } from '../../../src/host/probe.js'

describe('parseSubIds', () => {
  const text = 'bob:100000:65536\nada:165536:65536\n1001:231072:65536\nbroken:x:1\n'
  it('finds the range by user name or by uid', () => {
    expect(parseSubIds(text, 'ada', 1000)).toEqual({ start: 165536, count: 65536 })
    expect(parseSubIds(text, 'carol', 1001)).toEqual({ start: 231072, count: 65536 })
  })
  it('is null when the user has no valid range', () => {
    expect(parseSubIds(text, 'dave', 1002)).toBeNull()
    expect(parseSubIds(text, 'broken', 5)).toBeNull()
    expect(parseSubIds('', 'ada', 1000)).toBeNull()
  })
})
