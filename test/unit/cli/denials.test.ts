import { describe, expect, it } from 'vitest'
import { formatDenial } from '../../../src/cli/denials.js'

describe('formatDenial', () => {
  it('names the command that would allow the host', () => {
    expect(formatDenial({ host: 'example.com', port: 443, count: 2, allowCommand: 'wrapix --allow example.com:443', reason: 'not in the allowlist' }))
      .toBe('denied example.com:443 (2×): to allow it: wrapix --allow example.com:443')
  })

  // Regression: an allowed name that did not resolve printed "to allow it: null".
  it('gives the reason when no rule would allow it', () => {
    const line = formatDenial({ host: 'github.com', port: 22, count: 1, allowCommand: null, reason: 'github.com could not be resolved (ENOTFOUND)' })
    expect(line).toBe('denied github.com:22 (1×): github.com could not be resolved (ENOTFOUND)')
    expect(line).not.toContain('null')
  })
})
