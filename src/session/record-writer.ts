// Turns a journal entry plus what is known at the end into a session record, masks secrets in it and
// writes it atomically under the name reserved at start. Shared by a normal finish and by recovery.
import { stat, unlink } from 'node:fs/promises'
import { createFileAtomic } from '../fs/atomic-write.js'
import { assertNoSymlinks } from '../fs/no-symlinks.js'
import type { NetworkSummary } from '../network/session-network.js'
import { gitAfterAndDiff } from './git-state.js'
import { removeJournal, type JournalEntry } from './journal.js'
import { logDir, NETWORK_SUFFIX, networkLogPathOf, recordPathOf } from './log-paths.js'
import { RECORD_SCHEMA_VERSION, type ExitStatus, type GitDirRecord, type GitRecord, type Interruption, type ReviewRecord, type SessionRecord, type SetidRecord } from './record-schema.js'
import { redactDeep, type Redact } from './redact.js'
import { summarizeAgentTranscript } from './transcript.js'

export interface SessionOutcome {
  end: Date
  exitCode: number | null
  exitStatus: ExitStatus
  network?: NetworkSummary
  agentVersion?: string
  /** false when wrapix died: the work tree now may hold later changes, so no "after" state is claimed. */
  captureGitAfter: boolean
  finalizedBy: 'session' | 'recovery'
  /** The session git dir's outcome; its `changed` list stops wrapix from running git in the workspace. */
  gitDir?: GitDirRecord
  reviewBeforeRun?: ReviewRecord
  /** Why the session ended other than by its command exiting (a signal, a dead helper, recovery). */
  interruption?: Interruption | null
  setidSweep?: SetidRecord
}

export async function writeSessionRecord(workspace: string, entry: JournalEntry, outcome: SessionOutcome, redact: Redact): Promise<string> {
  const start = new Date(entry.start)
  await assertNoSymlinks(workspace, logDir(workspace))
  const [git, transcript] = await Promise.all([
    gitRecord(workspace, entry, outcome.captureGitAfter, outcome.gitDir?.changed ?? []),
    summarizeAgentTranscript({ agent: entry.agent, workspace, startMs: start.getTime(), agentSessionId: entry.agentSessionId }),
  ])
  const networkLog = networkLogPathOf(workspace, entry)
  const net = outcome.network
  if (!net) await removeIfEmpty(networkLog)
  const record: SessionRecord = {
    schemaVersion: RECORD_SCHEMA_VERSION,
    id: entry.id,
    start: start.toISOString(),
    end: outcome.end.toISOString(),
    durationMs: Math.max(0, outcome.end.getTime() - start.getTime()),
    exitCode: outcome.exitCode,
    exitStatus: outcome.exitStatus,
    mode: entry.mode,
    taskId: entry.taskId,
    agent: {
      name: entry.agent,
      version: outcome.agentVersion ?? (transcript.available ? (transcript.agentVersions.at(-1) ?? null) : null),
      sessionIds: transcript.available ? transcript.sessionIds : entry.agentSessionId ? [entry.agentSessionId] : [],
    },
    boundary: entry.boundary,
    ...(entry.sandboxUser ? { sandboxUser: entry.sandboxUser } : {}),
    runtime: entry.runtime,
    image: entry.image,
    profile: entry.profile,
    argv: entry.argv,
    policy: net ? { mode: net.mode, digest: net.policyDigest } : entry.policy,
    network: net
      ? {
          allowed: net.allowed, denied: net.denied, deniedHosts: [...net.deniedHosts], decisionsFile: entry.baseName + NETWORK_SUFFIX,
          connections: { ...net.connections }, credentialLeaks: [...net.credentialLeaks], credentials: [...(net.credentials ?? [])],
          ...(net.upstreamProxy ? { upstreamProxy: net.upstreamProxy } : {}),
        }
      : null,
    git,
    gitDir: outcome.gitDir ?? null,
    reviewBeforeRun: outcome.reviewBeforeRun ?? null,
    ...(outcome.setidSweep ? { setidSweep: outcome.setidSweep } : {}),
    transcript,
    interruption: outcome.interruption ?? null,
    host: { pid: entry.pid, finalizedBy: outcome.finalizedBy },
  }
  const path = recordPathOf(workspace, entry)
  await createFileAtomic(path, `${JSON.stringify(redactDeep(record, redact), null, 2)}\n`)
  await removeJournal(workspace, entry.id)
  return path
}

async function gitRecord(workspace: string, entry: JournalEntry, captureAfter: boolean, gitChanged: readonly string[]): Promise<GitRecord> {
  const before = entry.gitBefore
  if (!before.available) return { available: false, reason: before.reason }
  if (gitChanged.length > 0) {
    return { available: true, before: before.snapshot, after: null, diff: null, error: `not read: ${gitChanged.join('; ')}` }
  }
  if (!captureAfter) {
    return { available: true, before: before.snapshot, after: null, diff: null, error: 'wrapix died before the session ended' }
  }
  try {
    const { after, diff: diffing } = await gitAfterAndDiff(workspace, before.snapshot.head)
    if (!after.available) return { available: true, before: before.snapshot, after: null, diff: null, error: after.reason }
    const diff = await diffing
    return { available: true, before: before.snapshot, after: after.snapshot, diff, error: null }
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? 'unknown error'
    return { available: true, before: before.snapshot, after: null, diff: null, error: `git failed: ${message}` }
  }
}

async function removeIfEmpty(path: string): Promise<void> {
  try {
    if ((await stat(path)).size === 0) await unlink(path)
  } catch {
    // not there: nothing to tidy
  }
}
