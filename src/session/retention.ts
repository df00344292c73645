// Retention (`log.retentionDays`, default 90), applied at start: records older than that go, with
// their network logs. The age comes from the start time in the name; journal entries are never touched.
import { readdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { assertNoSymlinks } from '../fs/no-symlinks.js'
import { logDir, NETWORK_SUFFIX, RECORD_SUFFIX, startFromBaseName } from './log-paths.js'

const DAY_MS = 24 * 60 * 60 * 1000
const SESSION_SUFFIXES = [NETWORK_SUFFIX, RECORD_SUFFIX]

/** Deletes expired session files and returns the names deleted. */
export async function applyRetention(workspace: string, retentionDays: number, now: Date = new Date()): Promise<string[]> {
  const dir = logDir(workspace)
  // A linked log directory would have wrapix delete files wherever the link points.
  await assertNoSymlinks(workspace, dir)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return []
  }
  const cutoff = now.getTime() - retentionDays * DAY_MS
  const deleted: string[] = []
  for (const name of names) {
    const suffix = SESSION_SUFFIXES.find((s) => name.endsWith(s))
    if (suffix === undefined || name.startsWith('.')) continue
    const base = name.slice(0, -suffix.length)
    const path = join(dir, name)
    // A name wrapix did not write (no start time in it) ages by its modification time.
    const started = startFromBaseName(base)?.getTime() ?? (await stat(path).catch(() => undefined))?.mtimeMs
    if (started === undefined || started >= cutoff) continue
    await unlink(path).catch(() => {})
    deleted.push(name)
  }
  return deleted
}
