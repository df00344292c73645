import { afterEach, describe, expect, it, vi } from 'vitest'
import { watchAttempt } from '../../../src/ralph/attempt-watch.js'
import type { AttemptResult } from '../../../src/ralph/run-attempt.js'
import { settle } from '../../../src/ralph/run-task.js'
import type { Task } from '../../../src/ralph/task-schema.js'

const task = (over: Partial<Task> = {}): Task => ({
  id: 'a-001', title: 't', priority: 2, dependsOn: [], status: 'running', attempts: 1, sessions: [], spec: 'a', file: 'a.md', description: '', ...over,
})
const result = (outcome: AttemptResult['outcome']): AttemptResult => ({ outcome, exitCode: 0, sessionId: 's', timedOut: false, watchdogFired: false, final: null })

describe('settle', () => {
  it('retries a failure with its summary until the retries are used up, then fails', () => {
    const failure = result({ failure: 'no signal line' })
    expect(settle(task({ attempts: 1 }), failure, 2, false)).toMatchObject({ status: 'todo', lastFailure: 'attempt 1: no signal line' })
    expect(settle(task({ attempts: 3 }), failure, 2, false)).toMatchObject({ status: 'failed', lastFailure: 'attempt 3: no signal line', note: 'failed after 3 attempts' })
    expect(settle(task({ attempts: 1 }), failure, 0, false)).toMatchObject({ status: 'failed' })
  })

  it('parks blocked and clarify with the agent text, and clears an answer once a new question comes', () => {
    expect(settle(task(), result({ signal: { kind: 'blocked', reason: 'no key' } }), 2, false)).toMatchObject({ status: 'blocked', note: 'no key' })
    const asked = settle(task({ answer: 'old' }), result({ signal: { kind: 'clarify', question: 'Which?' } }), 2, false)
    expect(asked).toMatchObject({ status: 'clarify', note: 'Which?' })
    expect(asked).not.toHaveProperty('answer')
  })

  it('completes and drops the previous failure', () => {
    const done = settle(task({ lastFailure: 'attempt 1: x', note: 'n' }), result({ signal: { kind: 'complete' } }), 2, false)
    expect(done.status).toBe('done')
    expect(done).not.toHaveProperty('lastFailure')
    expect(done).not.toHaveProperty('note')
  })

  it('puts an interrupted attempt back into the queue instead of failing it', () => {
    expect(settle(task({ attempts: 3 }), result({ failure: 'exit 143' }), 2, true)).toMatchObject({ status: 'todo', note: 'attempt 3 was interrupted: exit 143' })
  })
})

describe('watchAttempt', () => {
  afterEach(() => vi.useRealTimers())
  const resultLine = Buffer.from(`${JSON.stringify({ type: 'result', is_error: false, result: 'RALPH_COMPLETE' })}\n`)

  it('stops the session with exit code 124 at the time limit', () => {
    vi.useFakeTimers()
    const watch = watchAttempt({ timeoutMs: 1000, graceMs: 100 })
    vi.advanceTimersByTime(999)
    expect(watch.stop.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(watch.stop.reason).toBe(124)
    expect(watch.state).toMatchObject({ timedOut: true, watchdogFired: false })
    watch.dispose()
  })

  it('stops an agent that lingers after its result, once the grace is over, and the time limit no longer applies', () => {
    vi.useFakeTimers()
    const watch = watchAttempt({ timeoutMs: 1000, graceMs: 500 })
    vi.advanceTimersByTime(800)
    // A line split across chunks is joined before it is read.
    watch.onStdout(resultLine.subarray(0, 10))
    watch.onStdout(resultLine.subarray(10))
    vi.advanceTimersByTime(499)
    expect(watch.stop.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(watch.stop.reason).toBe('watchdog')
    expect(watch.state).toMatchObject({ timedOut: false, watchdogFired: true, sawResult: true })
    expect(watch.lines).toHaveLength(1)
    watch.dispose()
  })

  it('does nothing once disposed', () => {
    vi.useFakeTimers()
    const watch = watchAttempt({ timeoutMs: 10, graceMs: 10 })
    watch.dispose()
    vi.advanceTimersByTime(100)
    expect(watch.stop.aborted).toBe(false)
  })
})
