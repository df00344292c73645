// Journal entries of running sessions (`.wrapix/log/.journal/<id>.json`): written at start, removed
// when the record is written. An entry whose wrapix process is gone marks a session to recover.
import { readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { AGENT_NAMES, BOUNDARIES, NETWORK_MODES } from '../sandbox/plan.js'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { assertNoSymlinks, mkdirNoFollow } from '../fs/no-symlinks.js'
import { isRecordBaseName, isSessionId, journalDir, journalPath } from './log-paths.js'
import { SandboxUserRecordSchema, SESSION_MODES } from './record-schema.js'
import { processOwnerAlive } from '../host/process-owner.js'

const GitProbeSchema = z.discriminatedUnion('available', [
  z.object({ available: z.literal(true), snapshot: z.object({ head: z.string().nullable(), branch: z.string().nullable(), dirty: z.boolean() }) }),
  z.object({ available: z.literal(false), reason: z.string() }),
])

/**
 * One journal entry, checked field by field on read: the journal sits in the project, where a commit can
 * plant one, so only what wrapix itself writes (the record's own enums, a start not in the future) passes.
 */
export const JournalEntrySchema = z.object({
  journalVersion: z.literal(1),
  id: z.string().refine(isSessionId),
  baseName: z.string().refine(isRecordBaseName),
  start: z.string().refine((s) => !Number.isNaN(Date.parse(s)) && Date.parse(s) <= Date.now(), 'a start in the past'),
  pid: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** Start time of the wrapix process (field 22 of /proc/<pid>/stat), so a reused pid is not taken for it. */
  pidStartTicks: z.string().nullable(),
  mode: z.enum(SESSION_MODES),
  taskId: z.string().nullable(),
  agent: z.enum(AGENT_NAMES),
  agentSessionId: z.string().nullable(),
  boundary: z.enum(BOUNDARIES),
  sandboxUser: SandboxUserRecordSchema.optional(),
  runtime: z.string(),
  image: z.object({ ref: z.string(), id: z.string().nullable() }),
  profile: z.object({ name: z.string(), digest: z.string() }),
  argv: z.array(z.string()),
  policy: z.object({ mode: z.enum(NETWORK_MODES).nullable(), digest: z.string().nullable() }),
  gitBefore: GitProbeSchema,
})
export type JournalEntry = z.infer<typeof JournalEntrySchema>

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
 * The journal sits in the project, where a commit can plant one: an entry that does not parse as one
 * wrapix writes, or whose file is not named after its id, is skipped (and left), so no path or record is
 * ever built from a foreign value.
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
      const parsed = JournalEntrySchema.safeParse(JSON.parse(await readFile(path, 'utf8')))
      if (parsed.success && name === `${parsed.data.id}.json`) out.push({ path, entry: parsed.data })
    } catch {
      // half-written or foreign file: leave it
    }
  }
  return out
}

/** Whether the wrapix process that wrote `entry` is still running. */
export const journalOwnerAlive = (entry: Pick<JournalEntry, 'pid' | 'pidStartTicks'>): boolean =>
  processOwnerAlive({ pid: entry.pid, startTicks: entry.pidStartTicks })
