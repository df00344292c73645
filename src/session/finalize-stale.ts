// Recovery: a journal entry whose wrapix process is gone (killed, host crash) becomes a record with an
// unknown exit code, so no session is ever missing from the log. Run at the start of each wrapix run.
import { stat } from 'node:fs/promises'
import { journalOwnerAlive, readJournals, removeJournal, type JournalEntry } from './journal.js'
import { networkLogPathOf } from './log-paths.js'
import { writeSessionRecord } from './record-writer.js'
import { redactSecretShapes, type Redact } from './redact.js'

/** Writes records for dead sessions and returns their paths. */
export async function finalizeStaleSessions(workspace: string, redact: Redact = redactSecretShapes): Promise<string[]> {
  const written: string[] = []
  for (const { path, entry } of await readJournals(workspace)) {
    if (journalOwnerAlive(entry)) continue
    const end = await lastSignOfLife(workspace, entry, path)
    try {
      written.push(
        await writeSessionRecord(
          workspace,
          entry,
          { end, exitCode: null, exitStatus: 'unknown', captureGitAfter: false, finalizedBy: 'recovery' },
          redact,
        ),
      )
    } catch (err) {
      // Another run recovered it first (the record name is taken): only the journal is left to drop.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      await removeJournal(workspace, entry.id)
    }
  }
  return written
}

/** The end of a dead session is unknown; the last write to its network log is the best estimate. */
async function lastSignOfLife(workspace: string, entry: JournalEntry, journalFile: string): Promise<Date> {
  const start = new Date(entry.start).getTime()
  let last = start
  for (const file of [networkLogPathOf(workspace, entry), journalFile]) {
    try {
      last = Math.max(last, (await stat(file)).mtimeMs)
    } catch {
      // missing: ignore
    }
  }
  return new Date(Math.floor(last))
}
