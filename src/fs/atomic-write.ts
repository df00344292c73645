// Files readers must never see half-written: write a temp file beside the target (mode set before any
// content, fsync'd), then rename it into place, or hard-link it when an existing file must not be replaced.
import { randomBytes } from 'node:crypto'
import { chmod, link, open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

const tempPath = (path: string): string => join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`)

async function writeTemp(path: string, content: string, mode: number): Promise<string> {
  const temp = tempPath(path)
  // 'wx' never follows or reuses an existing file.
  const handle = await open(temp, 'wx', 0o600)
  try {
    await handle.chmod(mode)
    await handle.writeFile(content)
    await handle.sync()
  } catch (err) {
    await handle.close()
    await unlink(temp).catch(() => {})
    throw err
  }
  await handle.close()
  return temp
}

/** Replaces `path` atomically; the mode ignores the umask. */
export async function writeFileAtomic(path: string, content: string, mode = 0o644): Promise<void> {
  const temp = await writeTemp(path, content, mode)
  try {
    await rename(temp, path)
    await chmod(path, mode)
  } catch (err) {
    await unlink(temp).catch(() => {})
    throw err
  }
}

/** Like writeFileAtomic, but fails with EEXIST instead of replacing a file that is already there. */
export async function createFileAtomic(path: string, content: string, mode = 0o644): Promise<void> {
  const temp = await writeTemp(path, content, mode)
  try {
    await link(temp, path)
  } catch (err) {
    // File systems without hard links: the name was reserved beforehand, so a rename is safe enough.
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'EPERM' && code !== 'ENOTSUP') throw err
    await rename(temp, path)
  } finally {
    await unlink(temp).catch(() => {})
  }
}
