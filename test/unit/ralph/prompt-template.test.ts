import { describe, expect, it } from 'vitest'
import { DEFAULT_TEMPLATES } from '../../../src/ralph/default-templates.js'
import { renderTemplate } from '../../../src/ralph/prompt-template.js'

const DEFAULT_RUN_TEMPLATE = DEFAULT_TEMPLATES['run.md']

const values = { spec: 'auth', taskId: 'auth-001', title: 'Log in', description: 'Make it work.', specFile: 'specs/auth.md', specText: '', notes: '', answer: '', previousFailure: '' }

describe('renderTemplate', () => {
  it('fills placeholders and drops empty sections', () => {
    const prompt = renderTemplate(DEFAULT_RUN_TEMPLATE, values)
    expect(prompt).toContain('# Task auth-001: Log in\n\nMake it work.')
    expect(prompt).not.toContain('previous attempt')
    expect(prompt).not.toContain('{{')
    expect(prompt.split('\n')).toContain('RALPH_COMPLETE')
  })

  it('shows the previous failure and the spec on a retry', () => {
    const prompt = renderTemplate(DEFAULT_RUN_TEMPLATE, { ...values, specText: 'The spec body.', previousFailure: 'attempt 1: no signal line' })
    expect(prompt).toContain('# The previous attempt failed\n\nattempt 1: no signal line')
    expect(prompt).toContain('# The spec (specs/auth.md)\n\nThe spec body.')
  })

  it('never expands placeholders inside values', () => {
    expect(renderTemplate('{{title}} / {{description}}', { ...values, title: '{{description}}' })).toBe('{{description}} / Make it work.')
  })

  it('refuses an unknown placeholder', () => {
    expect(() => renderTemplate('{{titel}}', values)).toThrow(/unknown placeholder \{\{titel\}\}/)
  })
})
