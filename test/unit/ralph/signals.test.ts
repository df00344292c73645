import { describe, expect, it } from 'vitest'
import { finalResult, readSignal, type ResultEvent } from '../../../src/ralph/signals.js'
import { judge } from '../../../src/ralph/run-attempt.js'

const result = (text: string, isError = false): string => JSON.stringify({ type: 'result', subtype: isError ? 'error' : 'success', is_error: isError, result: text, total_cost_usd: 0.01, usage: { input_tokens: 10, output_tokens: 5 } })
const assistant = (text: string): string => JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text }] } })
const toolResult = (text: string): string => JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', content: text }] } })
const event = (text: string, isError = false): ResultEvent => ({ text, isError, costUsd: null, tokens: null })

describe('readSignal', () => {
  it.each([
    ['Done.\nRALPH_COMPLETE', { kind: 'complete' }],
    ['RALPH_COMPLETE\r\n', { kind: 'complete' }],
    ['No.\nRALPH_BLOCKED: the API key is missing', { kind: 'blocked', reason: 'the API key is missing' }],
    ['RALPH_CLARIFY: Which one?\n### Option 1 — a\n### Option 2 — b', { kind: 'clarify', question: 'Which one?\n### Option 1 — a\n### Option 2 — b' }],
    ['RALPH_COMPLETE\nRALPH_COMPLETE', { kind: 'complete' }],
  ])('reads %j', (text, signal) => {
    expect(readSignal(event(text))).toEqual({ signal })
  })

  it.each([
    ['a quoted signal', 'I will print "RALPH_COMPLETE" when done.'],
    ['a signal in a quote block', '> RALPH_COMPLETE'],
    ['an indented signal', '  RALPH_COMPLETE'],
    ['a signal inside a sentence', 'Finished: RALPH_COMPLETE'],
    ['a blocked signal without a reason', 'RALPH_BLOCKED:'],
    ['a lower-case signal', 'ralph_complete'],
    ['no text', ''],
  ])('refuses %s', (_what, text) => {
    expect(readSignal(event(text))).toHaveProperty('problem')
  })

  it('refuses two different signals', () => {
    expect(readSignal(event('RALPH_COMPLETE\nRALPH_BLOCKED: no'))).toEqual({ problem: expect.stringContaining('2 different signals') })
  })

  it('refuses a signal in an error result', () => {
    expect(readSignal(event('RALPH_COMPLETE', true))).toEqual({ problem: expect.stringContaining('ended with an error') })
  })
})

describe('judge: only the final result event counts', () => {
  it('ignores a signal printed by a tool and one in an earlier turn', () => {
    const lines = [assistant('RALPH_COMPLETE'), toolResult('RALPH_COMPLETE'), result('I ran the tool.')]
    expect(judge(lines, 0, false, false)).toEqual({ failure: expect.stringContaining('no signal line') })
  })

  it('takes the last result event of the stream', () => {
    expect(judge([result('RALPH_COMPLETE'), result('nothing')], 0, false, false)).toHaveProperty('failure')
    expect(finalResult([result('x'), 'not json', result('RALPH_COMPLETE')])).toMatchObject({ text: 'RALPH_COMPLETE', tokens: 15, costUsd: 0.01 })
  })

  it('fails without a result, on a non-zero exit and on a timeout', () => {
    expect(judge([assistant('RALPH_COMPLETE')], 137, false, false)).toEqual({ failure: 'the agent ended without a final result (exit code 137)' })
    expect(judge([result('RALPH_COMPLETE')], 1, false, false)).toEqual({ failure: 'the agent exited with code 1 after its result' })
    expect(judge([result('RALPH_COMPLETE')], 124, true, false)).toHaveProperty('failure')
  })

  it('keeps the answer of an agent the watchdog stopped after its result', () => {
    expect(judge([result('RALPH_COMPLETE')], 143, false, true)).toEqual({ signal: { kind: 'complete' } })
  })
})

describe('text from the sandbox', () => {
  it('strips terminal escape sequences and control characters from a reason, and caps its length', () => {
    const reading = readSignal(event('RALPH_BLOCKED: \x1b]0;owned\x07need \x1b[31mred\x1b[0m key\x07'))
    expect(reading).toEqual({ signal: { kind: 'blocked', reason: 'need red key' } })
    const long = readSignal(event(`RALPH_CLARIFY: ${'x'.repeat(5000)}`))
    expect('signal' in long && long.signal.kind === 'clarify' && long.signal.question.length).toBe(4001)
  })
})
