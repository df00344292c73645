import { describe, expect, it } from 'vitest'
import { sessionSummaryLines } from '../../../src/cli/session-summary.js'
import type { SessionGitOutcome } from '../../../src/session/session-git.js'

const outcome = (over: Partial<SessionGitOutcome> = {}): SessionGitOutcome => ({ mode: 'session', reason: null, changed: [], imported: null, error: null, ...over })

describe('sessionSummaryLines', () => {
  it('raises an alarm for a .git that is not the one the session began with', () => {
    const lines = sessionSummaryLines(outcome({ changed: ['/p/.git was replaced during the session (another dir now)'] }), [])
    expect(lines.alarms).toEqual([
      'DANGER: /p/.git was replaced during the session (another dir now). The sandbox may have planted git config or hooks: wrapix brought nothing back and ran no git there. Inspect it before you run git in this project.',
    ])
  })
  it('warns with the import notes and the review list, and details what came back', () => {
    const imported = { objects: 3, packs: 0, refsUpdated: ['refs/heads/main'], conflicts: [], notDeleted: ['refs/heads/old'], head: 'unchanged', index: 'updated', notes: ['deleted in the sandbox but kept on the host (delete them yourself if you mean it): refs/heads/old'] } as const
    const lines = sessionSummaryLines(outcome({ imported: { ...imported, refsUpdated: [...imported.refsUpdated], conflicts: [], notDeleted: [...imported.notDeleted], notes: [...imported.notes] } }), [
      { path: '.envrc', change: 'created', runBy: 'direnv, on cd' },
    ])
    expect(lines.alarms).toEqual([])
    expect(lines.warnings).toEqual([imported.notes[0], 'review before you run: the session created or changed files your host runs: .envrc (created; direnv, on cd)'])
    expect(lines.details).toEqual(["brought back from the sandbox's git: refs/heads/main, index (3 objects, 0 packs)"])
  })
  it('says nothing for a session without git or changes', () => {
    expect(sessionSummaryLines(null, [])).toEqual({ alarms: [], warnings: [], details: [] })
  })
  it('names the setuid/setgid files cleared (warning) and, as alarms, those not cleared or not searched', () => {
    const lines = sessionSummaryLines(null, [], { cleared: [{ path: 'bin/x', mode: '4755' }], failed: [{ path: 'y', error: 'EPERM' }], unsearched: ["'/p/d': Permission denied"] })
    expect(lines.warnings).toEqual(['the sandbox left setuid/setgid files in the project; wrapix cleared the bits: bin/x (was 4755)'])
    expect(lines.alarms).toHaveLength(2)
    expect(lines.alarms[0]).toMatch(/^DANGER: .*could not clear: y \(EPERM\)/)
    expect(lines.alarms[1]).toMatch(/^DANGER: .*could not search .*'\/p\/d': Permission denied/)
    expect(sessionSummaryLines(null, [], { cleared: [], failed: [], unsearched: [] })).toEqual({ alarms: [], warnings: [], details: [] })
  })
})
