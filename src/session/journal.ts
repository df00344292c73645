// Journal entries of running sessions (`.wrapix/log/.journal/<id>.json`): written at start, removed
// when the record is written. An entry whose wrapix process is gone marks a session to recover.
import { readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { AgentName, Boundary, NetworkMode } from '../sandbox/plan.js'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { assertNoSymlinks, mkdirNoFollow } from '../fs/no-symlinks.js'
import type { GitProbe } from './git-state.js'
import { isRecordBaseName, isSessionId, journalDir, journalPath } from './log-paths.js'
import type { SandboxUserRecord, SessionMode } from './record-schema.js'
import { processOwnerAlive } from '../host/process-owner.js'

export interface JournalEntry {
  journalVersion: 1
  id: string
  baseName: string
  start: string
  pid: number
  /** Start time of the wrapix process (field 22 of /proc/<pid>/stat), so a reused pid is not taken for it. */
  pidStartTicks: string | null
  mode: SessionMode
  taskId: string | null
  agent: AgentName
  agentSessionId: string | null
  boundary: Boundary
  sandboxUser?: SandboxUserRecord
  runtime: string
  image: { ref: string; id: string | null }
  profile: { name: string; digest: string }
  argv: string[]
  policy: { mode: NetworkMode | null; digest: string | null }
  gitBefore: GitProbe
}

export async function writeJournal(workspace: string, entry: JournalEntry): Promise<void> {
  await mkdirNoFollow(workspace, journalDir(workspace))
  await writeFileAtomic(journalPath(workspace, entry.id), `${JSON.stringify(entry, null, 2)}\n`)
}

export async function removeJournal(workspace: string, id: string): Promise<void> {
  await assertNoSymlinks(workspace, journalDir(workspace))
  await unlink(journalPath(workspace, id)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err
  })
}

/**
 * Every readable journal entry, with its path; unreadable ones are skipped (a later run retries).
 * The journal sits in the project, where a commit can plant one: an entry whose id, file name or
 * record name is not one wrapix makes is skipped, so no path is ever built from a foreign value.
 */
export async function readJournals(workspace: string): Promise<{ path: string; entry: JournalEntry }[]> {
  await assertNoSymlinks(workspace, journalDir(workspace))
  let names: string[]
  try {
    names = await readdir(journalDir(workspace))
  } catch {
    return []
  }
  const out: { path: string; entry: JournalEntry }[] = []
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
    const path = join(journalDir(workspace), name)
    try {
      const entry = JSON.parse(await readFile(path, 'utf8')) as JournalEntry
      if (entry.journalVersion === 1 && wellFormed(entry, name)) out.push({ path, entry })
    } catch {
      // half-written or foreign file: leave it
    }
  }
  return out
}

function wellFormed(entry: JournalEntry, fileName: string): boolean {
  return (
    typeof entry.id === 'string' && isSessionId(entry.id) && fileName === `${entry.id}.json` &&
    typeof entry.baseName === 'string' && isRecordBaseName(entry.baseName) &&
    Number.isSafeInteger(entry.pid) && entry.pid > 0 && typeof entry.start === 'string' && !Number.isNaN(Date.parse(entry.start))
  )
}

/** Whether the wrapix process that wrote `entry` is still running. */
export const journalOwnerAlive = (entry: Pick<JournalEntry, 'pid' | 'pidStartTicks'>): boolean =>
  processOwnerAlive({ pid: entry.pid, startTicks: entry.pidStartTicks })
