// The end-of-session lines about files and git: what to review before running it, what came back from the
// sandbox's git, and — loudly — a `.git` that is not the one the session started with. Pure.
import { reviewNotice, type ReviewItem } from '../session/host-executed-files.js'
import type { SessionGitOutcome } from '../session/session-git.js'
import { setidSummary, type SetidSweep } from '../session/setid-sweep.js'

export interface SummaryLines {
  /** Must not be missed: even --quiet prints these. */
  readonly alarms: string[]
  readonly warnings: string[]
  readonly details: string[]
}

export function sessionSummaryLines(git: SessionGitOutcome | null, review: readonly ReviewItem[], setid: SetidSweep | null = null): SummaryLines {
  const setidLines = setidSummary(setid)
  const alarms = [...setidLines.alarms, ...(git?.changed ?? []).map(
    (problem) => `DANGER: ${problem}. The sandbox may have planted git config or hooks: wrapix brought nothing back and ran no git there. Inspect it before you run git in this project.`,
  )]
  const warnings = [...(git?.imported?.notes ?? []), ...(git?.error ? [`the sandbox's git work was not brought back: ${git.error}`] : [])]
  warnings.push(...setidLines.warnings)
  const notice = reviewNotice(review)
  if (notice) warnings.push(notice)
  const imported = git?.imported
  const details =
    imported && (imported.refsUpdated.length > 0 || imported.head === 'updated' || imported.index === 'updated')
      ? [`brought back from the sandbox's git: ${[...imported.refsUpdated, ...(imported.head === 'updated' ? ['HEAD'] : []), ...(imported.index === 'updated' ? ['index'] : [])].join(', ')} (${imported.objects} objects, ${imported.packs} packs)`]
      : []
  return { alarms, warnings, details }
}
