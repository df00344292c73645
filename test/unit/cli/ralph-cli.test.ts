import { describe, expect, it } from 'vitest'
import { renderStream } from '../../../src/cli/ralph-logs.js'
import { optionsOf } from '../../../src/cli/ralph-msg.js'
import { parseDurationMs } from '../../../src/cli/ralph-project.js'

describe('ralph CLI helpers', () => {
  it('parses --timeout durations and refuses nonsense', () => {
    expect([parseDurationMs('90s', '--timeout'), parseDurationMs('30m', '--timeout'), parseDurationMs('1h', '--timeout'), parseDurationMs('5', '--timeout')]).toEqual([90_000, 1_800_000, 3_600_000, 5000])
    expect(() => parseDurationMs('soon', '--timeout')).toThrow(/--timeout "soon" is not a duration/)
    expect(() => parseDurationMs('0s', '--timeout')).toThrow(/not a duration/)
  })

  it('finds the numbered options of a question', () => {
    expect([...optionsOf('Which?\n### Option 1 — red\n### Option 2 - blue\nOption 3 — not a heading')]).toEqual([[1, 'red'], [2, 'blue']])
  })

  it('renders a stream readably and marks the errors', () => {
    const lines = renderStream([
      JSON.stringify({ type: 'system', subtype: 'init', model: 'm' }),
      JSON.stringify({ type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Bash', input: { command: 'make' } }] } }),
      JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', content: 'make: *** failed \x1b]0;x\x07', is_error: true }] } }),
      JSON.stringify({ type: 'result', is_error: false, result: 'RALPH_BLOCKED: make fails' }),
    ])
    expect(lines.map((l) => l.error)).toEqual([false, false, true, false])
    expect(lines[2]!.text).toContain('make: *** failed')
    expect(lines[2]!.text).not.toContain('\x1b]0;')
  })
})
