// Retention (`log.retentionDays`, default 90), applied at start: records older than that go, with
// their network logs. The age comes from the start time in the name; journal entries are never touched,
// and neither are files of another user.
import { lstat, readdir, unlink } from 'node:fs/promises'
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
  const uid = process.geteuid?.()
  for (const name of names) {
    const suffix = SESSION_SUFFIXES.find((s) => name.endsWith(s))
    if (suffix === undefined || name.startsWith('.')) continue
    const base = name.slice(0, -suffix.length)
    const path = join(dir, name)
    const info = await lstat(path).catch(() => undefined)
    // Each user's runs expire only their own records: in a shared project another user's are theirs.
    if (!info || (uid !== undefined && info.uid !== uid)) continue
    // A name wrapix did not write (no start time in it) ages by its modification time.
    const started = startFromBaseName(base)?.getTime() ?? info.mtimeMs
    if (started === undefined || started >= cutoff) continue
    await unlink(path).catch(() => {})
    deleted.push(name)
  }
  return deleted
}
