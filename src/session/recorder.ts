// Records one session: at start it captures git state, reserves a unique record name and writes a
// journal entry; `finish` writes the record (git after, diff stat, transcript summary, network summary).
import { unlink, utimes, writeFile } from 'node:fs/promises'
import { WrapixError } from '../errors.js'
import { mkdirNoFollow } from '../fs/no-symlinks.js'
import type { NetworkSummary } from '../network/session-network.js'
import type { AgentName, Boundary, NetworkMode } from '../sandbox/plan.js'
import { probeGit, type GitProbe } from './git-state.js'
import { processStartTicks } from '../host/process-owner.js'
import { writeJournal, type JournalEntry } from './journal.js'
import { journalPath, logDir, networkLogPathOf, recordBaseName, recordPathOf } from './log-paths.js'
import type { ExitStatus, GitDirRecord, Interruption, ReviewRecord, SandboxUserRecord, SetidRecord, SessionMode } from './record-schema.js'
import { writeSessionRecord } from './record-writer.js'
import type { Redact } from './redact.js'

export interface RecordingOptions {
  workspace: string
  sessionId: string
  mode: SessionMode
  taskId?: string
  agent: AgentName
  /** The agent's own session id when wrapix sets it (claude --session-id): its transcript is found exactly. */
  agentSessionId?: string
  boundary: Boundary
  /** Who the sandbox is on the host (from the plan's user). */
  sandboxUser?: SandboxUserRecord
  runtime: string
  image: { ref: string; id?: string }
  profile: { name: string; digest: string }
  /** The runtime argv, already masked. */
  argv: string[]
  /** Known before the network summary arrives; kept for records written by recovery. */
  policy?: { mode: NetworkMode; digest: string }
  redact: Redact
  now?: () => Date
  /** The git state before the session, when the caller started probing early; probed here otherwise. */
  gitBefore?: Promise<GitProbe>
}

export interface FinishResult {
  exitCode: number | null
  exitStatus: ExitStatus
  network?: NetworkSummary
  agentVersion?: string
  gitDir?: GitDirRecord
  reviewBeforeRun?: ReviewRecord
  interruption?: Interruption | null
  setidSweep?: SetidRecord
}

export interface Recorder {
  id: string
  recordPath: string
  /** Sibling `<base>.network.jsonl`, for the network proxy's audit lines. */
  networkLogPath: string
  /** Writes the record and returns its path; calling it again returns the same promise. */
  finish(result: FinishResult): Promise<string>
}

const MAX_NAME_ATTEMPTS = 100

export async function startRecording(opts: RecordingOptions): Promise<Recorder> {
  const now = opts.now ?? (() => new Date())
  const start = now()
  const [gitBefore, baseName] = await Promise.all([
    opts.gitBefore ?? probeGit(opts.workspace),
    mkdirNoFollow(opts.workspace, logDir(opts.workspace)).then(() => reserveBaseName(opts.workspace, start, opts.sessionId)),
  ]).catch((err: unknown) => {
    throw noSpaceError(err, opts.workspace, 'the session cannot start') ?? err
  })
  const entry: JournalEntry = {
    journalVersion: 1,
    id: opts.sessionId,
    baseName,
    start: start.toISOString(),
    pid: process.pid,
    pidStartTicks: processStartTicks(process.pid),
    mode: opts.mode,
    taskId: opts.taskId ?? null,
    agent: opts.agent,
    agentSessionId: opts.agentSessionId ?? null,
    boundary: opts.boundary,
    ...(opts.sandboxUser ? { sandboxUser: opts.sandboxUser } : {}),
    runtime: opts.runtime,
    image: { ref: opts.image.ref, id: opts.image.id ?? null },
    profile: opts.profile,
    argv: opts.argv.map(opts.redact),
    policy: opts.policy ?? { mode: null, digest: null },
    gitBefore,
  }
  try {
    await writeJournal(opts.workspace, entry)
  } catch (err) {
    // Nothing half-written stays: the reserved name goes too (the journal's temp file already went).
    await unlink(networkLogPathOf(opts.workspace, entry)).catch(() => {})
    throw noSpaceError(err, opts.workspace, 'the session cannot start') ?? err
  }
  // The journal's modification time is the latest moment the session provably ran, for recovery.
  const heartbeat = setInterval(() => {
    const now = new Date()
    utimes(journalPath(opts.workspace, entry.id), now, now).catch(() => {})
  }, HEARTBEAT_MS)
  heartbeat.unref()
  let finished: Promise<string> | undefined
  return {
    id: opts.sessionId,
    recordPath: recordPathOf(opts.workspace, entry),
    networkLogPath: networkLogPathOf(opts.workspace, entry),
    finish(result) {
      clearInterval(heartbeat)
      finished ??= writeSessionRecord(
        opts.workspace,
        entry,
        { ...result, end: now(), captureGitAfter: true, finalizedBy: 'session' },
        opts.redact,
      ).catch((err: unknown) => {
        throw noSpaceError(err, opts.workspace, 'the next run with free space records it (from its journal)') ?? err
      })
      return finished
    },
  }
}

const HEARTBEAT_MS = 30_000

/** A full file system (or quota) under .wrapix/log, as one line with the fix; null for any other error. */
export function noSpaceError(err: unknown, workspace: string, consequence: string): WrapixError | null {
  const code = (err as NodeJS.ErrnoException).code
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return null
  return new WrapixError(
    'host',
    `no space left for the session record in ${logDir(workspace)} (${code}): ${consequence}`,
    'free space on that file system (old records: wrapix log ls), then run again',
    { cause: err },
  )
}

/**
 * Claims `<base>.network.jsonl` with an exclusive create: the claim makes the name unique among
 * concurrent sessions (same millisecond, same short id), and the proxy appends to that file.
 */
async function reserveBaseName(workspace: string, start: Date, sessionId: string): Promise<string> {
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    const baseName = recordBaseName(start, sessionId, attempt)
    try {
      await writeFile(networkLogPathOf(workspace, { baseName }), '', { flag: 'wx', mode: 0o644 })
      return baseName
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
  throw new Error(`no free session record name in ${logDir(workspace)} after ${MAX_NAME_ATTEMPTS} attempts`)
}
