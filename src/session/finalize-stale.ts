// Recovery: a journal entry whose wrapix process is gone (killed, host crash) becomes a record with an
// unknown exit code, so no session is ever missing from the log. Run at the start of each wrapix run.
// Only the running user's own entries are touched: in a shared project another user's journal is theirs.
import { readFileSync } from 'node:fs'
import { lstat, stat } from 'node:fs/promises'
import { basename, relative } from 'node:path'
import { runSafeGit } from '../git/safe-git.js'
import { journalOwnerAlive, readJournals, removeJournal, type JournalEntry } from './journal.js'
import { journalDir, networkLogPathOf } from './log-paths.js'
import type { Interruption } from './record-schema.js'
import { writeSessionRecord } from './record-writer.js'
import { redactSecretShapes, type Redact } from './redact.js'

export interface StaleOptions {
  readonly redact?: Redact
  /** Told about an entry that could not be recovered this time (a later run retries). */
  readonly notice?: (message: string) => void
  /** When this host last booted; read from /proc/stat by default. */
  readonly bootTime?: Date | null
}

/** Writes records for dead sessions and returns their paths. */
export async function finalizeStaleSessions(workspace: string, opts: StaleOptions = {}): Promise<string[]> {
  const { redact = redactSecretShapes, notice, bootTime = hostBootTime() } = opts
  const written: string[] = []
  const uid = process.geteuid?.()
  const stale: Awaited<ReturnType<typeof readJournals>> = []
  for (const journal of await readJournals(workspace)) {
    try {
      if (uid !== undefined && (await lstat(journal.path)).uid !== uid) continue // another user's session
      if (!journalOwnerAlive(journal.entry)) stale.push(journal)
    } catch {
      // gone meanwhile: nothing to recover
    }
  }
  if (stale.length === 0) return written
  // wrapix never commits its journal: a tracked entry came with a commit and is left alone, unrecorded.
  const tracked = await trackedJournals(workspace)
  for (const { path, entry } of stale) {
    try {
      if (tracked === 'unknown' || tracked.has(basename(path))) continue
      const { end, endFrom } = await lastSignOfLife(workspace, entry, path, bootTime)
      written.push(
        await writeSessionRecord(
          workspace,
          entry,
          { end, exitCode: null, exitStatus: 'unknown', captureGitAfter: false, finalizedBy: 'recovery', interruption: recoveryReason(entry, bootTime, endFrom) },
          redact,
        ),
      )
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // Another run recovered it first (the record name is taken): only the journal is left to drop.
      if (code === 'EEXIST') await removeJournal(workspace, entry.id).catch(() => {})
      // Never a reason for this run to fail: the entry stays for a later run.
      else notice?.(`could not recover the record of session ${entry.id} (${(err as Error).message.split('\n')[0]}); a later run tries again`)
    }
  }
  return written
}

/**
 * File names in the journal dir that git tracks; 'unknown' when git cannot say in a repository (then no
 * entry is recovered this run). One `ls-files` with wrapix's hardened git; `safe.directory` lets it read
 * a shared project another user owns, which this read (no hook, filter or helper) cannot make unsafe.
 */
async function trackedJournals(workspace: string): Promise<Set<string> | 'unknown'> {
  const dir = relative(workspace, journalDir(workspace))
  const r = await runSafeGit(['-c', 'safe.directory=*', 'ls-files', '-z', '--', dir], { cwd: workspace }).catch(() => null)
  if (!r) return new Set() // no git on this host: no commit can have planted anything
  if (!r.ok) return /not a git repository/.test(r.err) ? new Set() : 'unknown'
  return new Set(r.out.split('\0').filter(Boolean).map((p) => basename(p)))
}

function recoveryReason(entry: JournalEntry, bootTime: Date | null, endFrom: Interruption['endFrom']): Interruption {
  if (bootTime && Date.parse(entry.start) < bootTime.getTime()) {
    return { cause: 'host-restarted', signal: null, detail: `the host restarted (booted ${bootTime.toISOString()}) while the session ran; recorded by a later run`, endFrom }
  }
  return { cause: 'wrapix-died', signal: null, detail: `wrapix (pid ${entry.pid}) ended without writing the record (killed, crashed, or no space was left for it); recorded by a later run`, endFrom }
}

/**
 * The end of a dead session is unknown: the last write to its network log or its journal is the latest
 * moment it provably still ran. A session cut by a restart cannot have run past the boot.
 */
async function lastSignOfLife(workspace: string, entry: JournalEntry, journalFile: string, bootTime: Date | null): Promise<{ end: Date; endFrom: Interruption['endFrom'] }> {
  const start = new Date(entry.start).getTime()
  let last = start
  let endFrom: Interruption['endFrom'] = 'start'
  const files = [[networkLogPathOf(workspace, entry), 'network-log'], [journalFile, 'journal']] as const
  for (const [file, name] of files) {
    try {
      const mtime = (await stat(file)).mtimeMs
      if (mtime > last && !(bootTime && start < bootTime.getTime() && mtime > bootTime.getTime())) {
        last = mtime
        endFrom = name
      }
    } catch {
      // missing: ignore
    }
  }
  return { end: new Date(Math.floor(last)), endFrom }
}

/** The host's boot time (`btime` in /proc/stat), or null where there is no /proc. */
export function hostBootTime(): Date | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('btime '))
    return line ? new Date(Number(line.split(' ')[1]) * 1000) : null
  } catch {
    return null
  }
}
