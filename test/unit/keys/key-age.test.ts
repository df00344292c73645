import { describe, expect, it } from 'vitest'
import { keyAgeDays, keyAgeWarning } from '../../../src/keys/key-age.js'

const now = new Date('2025-06-01T12:00:00Z')

describe('key age', () => {
  it('counts whole days', () => {
    expect(keyAgeDays('2025-05-31T13:00:00Z', now)).toBe(0)
    expect(keyAgeDays('2025-03-03T12:00:00Z', now)).toBe(90)
  })
  it('warns about deploy keys after 90 days and builder keys after 180', () => {
    expect(keyAgeWarning('deploy', 'k', '2025-03-03T12:00:00Z', now)).toBeNull()
    expect(keyAgeWarning('deploy', 'k', '2025-03-02T12:00:00Z', now)).toBe(
      'deploy key "k" is 91 days old (rotate after 90): wrapix keys rotate k',
    )
    expect(keyAgeWarning('builder', 'builder', '2025-03-02T12:00:00Z', now)).toBeNull()
    expect(keyAgeWarning('builder', 'builder', '2024-12-01T12:00:00Z', now)).toContain('182 days old (rotate after 180)')
  })
})
