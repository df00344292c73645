// A parallel task's sessions ran in its clone, so their records were written there (by the host; the
// sandbox sees them read-only). They are copied into the project's log, where status and `wrapix log` look.
// The clone is a copy of the project, which a hostile commit shapes: only files with record names, regular
// files opened without following links, and never through a linked log directory on either side.
import { constants, open, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { assertNoSymlinks, mkdirNoFollow } from '../fs/no-symlinks.js'
import { NETWORK_SUFFIX, RECORD_SUFFIX, isRecordBaseName, logDir } from '../session/log-paths.js'

/** The base name of a record or network log file name, or null for anything wrapix does not write. */
function recordFileBase(name: string): string | null {
  const suffix = [NETWORK_SUFFIX, RECORD_SUFFIX].find((s) => name.endsWith(s))
  const base = suffix ? name.slice(0, -suffix.length) : null
  return base !== null && isRecordBaseName(base) ? base : null
}

async function copyRegularFile(source: string, dest: string): Promise<void> {
  const input = await open(source, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ELOOP') return null // a planted link: not a record
    throw err
  })
  if (!input) return
  try {
    if (!(await input.stat()).isFile()) return
    const output = await open(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return null
      throw err
    })
    if (!output) return
    try {
      await output.writeFile(await input.readFile())
    } finally {
      await output.close()
    }
  } finally {
    await input.close()
  }
}

export async function collectCloneRecords(cloneDir: string, project: string): Promise<void> {
  await assertNoSymlinks(cloneDir, logDir(cloneDir))
  let names: string[]
  try {
    names = await readdir(logDir(cloneDir))
  } catch {
    return
  }
  const records = names.filter((name) => recordFileBase(name) !== null)
  if (records.length === 0) return
  await mkdirNoFollow(project, logDir(project))
  for (const name of records) await copyRegularFile(join(logDir(cloneDir), name), join(logDir(project), name))
}
