// Atomic file writes with an explicit mode: write a temp file beside the target, fsync, rename over it.
import { randomBytes } from 'node:crypto'
import { chmod, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Readers see the old content or the new one, never half a file; the mode ignores the umask. */
export async function writeFileAtomic(path: string, content: string, mode: number): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  // 'wx' never follows or reuses an existing file; the mode is set before any content is written.
  const handle = await open(temp, 'wx', 0o600)
  try {
    await handle.chmod(mode)
    await handle.writeFile(content)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temp, path)
    await chmod(path, mode)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
}
