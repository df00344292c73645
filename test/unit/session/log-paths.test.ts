import { describe, expect, it } from 'vitest'
import { compactUtc, recordBaseName, shortId, startFromBaseName } from '../../../src/session/log-paths.js'

describe('record names', () => {
  const start = new Date('2026-11-22T03:15:22.123Z')

  it('start with the UTC start time in milliseconds and end with a short id', () => {
    expect(compactUtc(start)).toBe('20261122T031522.123Z')
    expect(recordBaseName(start, 'A1B2-c3d4-e5f6')).toBe('20261122T031522.123Z-a1b2c3d4')
    expect(recordBaseName(start, 'A1B2-c3d4-e5f6', 2)).toBe('20261122T031522.123Z-a1b2c3d4-3')
  })

  it('differ for sessions started in the same millisecond', () => {
    const names = new Set(['11111111-x', '22222222-x', '33333333-x'].map((id) => recordBaseName(start, id)))
    expect(names.size).toBe(3)
  })

  it('sort by start time', () => {
    const later = new Date('2026-11-22T10:00:00.000Z')
    const earlier = new Date('2025-01-02T23:59:59.999Z')
    expect([recordBaseName(later, 'b'), recordBaseName(earlier, 'a')].sort()).toEqual([recordBaseName(earlier, 'a'), recordBaseName(later, 'b')])
  })

  it('give back their start time, and nothing for foreign names', () => {
    expect(startFromBaseName(recordBaseName(start, 'abc', 1))?.toISOString()).toBe(start.toISOString())
    expect(startFromBaseName('notes')).toBeUndefined()
  })

  it('keep only letters and digits of the session id', () => {
    expect(shortId('../../etc/passwd')).toBe('etcpassw')
    expect(shortId('///')).toBe('session')
  })
})
