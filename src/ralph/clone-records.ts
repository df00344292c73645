// A parallel task's sessions ran in its clone, so their records were written there (by the host; the
// sandbox sees them read-only). They are copied into the project's log, where status and `wrapix log` look.
import { copyFile, constants, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { logDir } from '../session/log-paths.js'

export async function collectCloneRecords(cloneDir: string, project: string): Promise<void> {
  let names: string[]
  try {
    names = await readdir(logDir(cloneDir))
  } catch {
    return
  }
  await mkdir(logDir(project), { recursive: true })
  for (const name of names.filter((n) => !n.startsWith('.') && (n.endsWith('.json') || n.endsWith('.jsonl')))) {
    await copyFile(join(logDir(cloneDir), name), join(logDir(project), name), constants.COPYFILE_EXCL).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err
    })
  }
}
