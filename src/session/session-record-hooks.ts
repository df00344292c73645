// Connects a launch to its session record: finalize what killed sessions left, apply retention, record this one.
import type { NetworkSummary } from '../network/session-network.js'
import { probeGit, type GitProbe } from './git-state.js'
import { filesToReview, type ReviewItem } from './host-executed-files.js'
import { snapshotHostExecutedFiles } from './review-snapshot.js'
import { mergeSetidSweeps, setidBaseline, setidSweepRoots, sweepSetidFiles, type SetidSweep } from './setid-sweep.js'
import type { SessionGitOutcome } from './session-git.js'
import { applyRetention } from './retention.js'
import { finalizeStaleSessions } from './finalize-stale.js'
import { workspaceOf, type Prepared } from './prepare.js'
import { startRecording } from './recorder.js'
import type { Redact } from './redact.js'
import type { Interruption, SandboxUserRecord, SessionMode } from './record-schema.js'
import type { PlannedUser } from '../sandbox/plan.js'

export interface SessionEnd {
  readonly exitCode: number | null
  readonly network: NetworkSummary | null
  readonly git: SessionGitOutcome | null
  readonly interruption?: Interruption | null
}

export interface SessionRecordHandle {
  readonly networkLogPath: string
  /** Where the record will be written when the session ends. */
  readonly recordPath: string
  /** Sweeps setid files, writes the record; returns its path, the host-executed files to review and the sweep. */
  finish(result: SessionEnd): Promise<{ path: string; review: ReviewItem[]; setid: SetidSweep }>
}

// Commits made while an image builds belong before the session, not in its diff.
const EARLY_PROBE_MAX_AGE_MS = 2000

const MODES = { agent: 'interactive', shell: 'shell', command: 'command' } as const

/** `gitBefore`: the workspace's git probe, started early (see probeGitEarly) so it overlaps the preparation. */
export interface RecordTask {
  /** The batch task this session serves (ralph); the record's mode is then "ralph". */
  readonly taskId: string
}

export async function startSessionRecord(
  prepared: Prepared,
  argv: string[],
  redact: Redact,
  gitBefore?: Promise<GitProbe>,
  task?: RecordTask,
): Promise<SessionRecordHandle> {
  const { plan, profile, policy, settings } = prepared
  const before = gitBefore ?? probeGit(plan.workspace)
  // Not awaited here: it may finish while the sandbox starts (a file changed since has a newer ctime).
  const setidRoots = setidSweepRoots(plan)
  const setidBefore = Promise.all(setidRoots.map((root) => setidBaseline(root)))
  setidBefore.catch(() => {}) // a failed start never awaits it
  const reviewBefore = await snapshotHostExecutedFiles(plan.workspace)
  // Retention after recovery: a recovered record past the retention period goes in the same run.
  await finalizeStaleSessions(plan.workspace, { redact })
  await applyRetention(plan.workspace, settings.logRetentionDays.value)
  const recorder = await startRecording({
    gitBefore: before,
    workspace: plan.workspace,
    sessionId: plan.sessionId,
    mode: task ? ('ralph' satisfies SessionMode) : MODES[plan.mode],
    ...(task ? { taskId: task.taskId } : {}),
    agent: plan.agent,
    boundary: plan.boundary,
    sandboxUser: sandboxUserRecord(plan.user),
    runtime: plan.runtime,
    image: { ref: plan.image },
    profile: { name: profile.name, digest: profile.digest },
    argv,
    ...(plan.agentSessionId ? { agentSessionId: plan.agentSessionId } : {}),
    policy: { mode: policy.mode, digest: policy.digest },
    redact,
  })
  return {
    networkLogPath: recorder.networkLogPath,
    recordPath: recorder.recordPath,
    finish: async ({ exitCode, network, git, interruption }) => {
      // The sandbox has exited: nothing races the sweep.
      const setid = await setidBefore
        .then((baselines) => Promise.all(setidRoots.map(async (root, i) => ({ root, sweep: await sweepSetidFiles(root, baselines[i]!) }))))
        .then((sweeps) => mergeSetidSweeps(plan.workspace, sweeps))
        .catch((err: unknown): SetidSweep => ({ cleared: [], failed: [], unsearched: [`${plan.workspace} (${(err as Error).message})`] }))
      const review = filesToReview(reviewBefore, await snapshotHostExecutedFiles(plan.workspace))
      const path = await recorder.finish({
        exitCode,
        // Ended by a signal wrapix passed on, or by a helper's death: not a plain exit of the command.
        exitStatus: exitCode === null ? 'unknown' : interruption?.cause === 'signal' && exitCode > 128 ? 'signal' : 'exited',
        interruption: interruption ?? null,
        ...(network ? { network } : {}),
        ...(git ? { gitDir: git } : {}),
        reviewBeforeRun: review,
        setidSweep: { cleared: [...setid.cleared], failed: [...setid.failed], unsearched: [...setid.unsearched] },
      })
      return { path, review, setid }
    },
  }
}

/**
 * Starts the "before" git probe of the workspace a run in `cwd` (DIR operand `dir`) uses, so it runs
 * while the plan is prepared. The workspace is resolved as preparePlan does. Returns undefined once the
 * probe is older than EARLY_PROBE_MAX_AGE_MS (an image was built meanwhile): the record probes afresh.
 */
export function probeGitEarly(cwd: string, dir: string | null): () => Promise<GitProbe> | undefined {
  const startedAt = performance.now() // the global one (not node:perf_hooks'), so a test can fake its clock
  const probe = probeGit(workspaceOf(cwd, dir))
  probe.catch(() => {}) // a failed preparation never awaits it
  return () => (performance.now() - startedAt <= EARLY_PROBE_MAX_AGE_MS ? probe : undefined)
}

/** The plan's sandbox user as the record keeps it. */
export function sandboxUserRecord(user: PlannedUser): SandboxUserRecord {
  const { userns } = user
  return {
    uid: user.uid,
    userns: userns.kind,
    size: userns.kind === 'auto' ? userns.size : null,
    reason: userns.kind === 'host' ? userns.reason : null,
  }
}
