import { describe, expect, it } from 'vitest'
import { parkNote } from '../../../src/ralph/check.js'
import { stepFailure, stepId } from '../../../src/ralph/run-step.js'
import { optionsOf } from '../../../src/cli/ralph-msg.js'

const final = (text: string, isError = false) => ({ isError, text, costUsd: null, tokens: null })
const base = { timedOut: false, watchdogFired: false, exitCode: 0, final: final('ok') }

describe('stepFailure', () => {
  it('accepts a final result of a session that ended well, or one the watchdog stopped after its result', () => {
    expect(stepFailure(base)).toBeNull()
    expect(stepFailure({ ...base, exitCode: 143, watchdogFired: true })).toBeNull()
  })

  it('names why a step gave no usable answer', () => {
    expect(stepFailure({ ...base, timedOut: true, exitCode: 124 })).toBe('the session hit its time limit and was stopped (exit code 124)')
    expect(stepFailure({ ...base, final: null, exitCode: 137 })).toBe('the agent ended without a final result (exit code 137)')
    expect(stepFailure({ ...base, final: final('API Error: 529 \u001b[31moverloaded\nmore', true) })).toBe('the agent ended with an error: API Error: 529 overloaded')
    expect(stepFailure({ ...base, exitCode: 1 })).toBe('the agent exited with code 1 after its result')
  })
})

describe('steps and the cap', () => {
  it('a step id never looks like a task id', () => {
    expect(stepId('auth', 'todo')).toBe('auth.todo')
  })

  it('a parked fix-up asks with numbered options that ralph msg can answer', () => {
    expect([...optionsOf(parkNote(4, 3)).keys()]).toEqual([1, 2])
    expect(parkNote(2, 1)).toContain('past the cap of 1 round (maxIterations)')
  })
})
