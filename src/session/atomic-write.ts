// Files that readers must never see half-written: write a temp file in the same directory, then
// rename it into place (replace) or hard-link it (never replace an existing file).
import { randomBytes } from 'node:crypto'
import { link, rename, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

const tempPath = (path: string): string =>
  join(dirname(path), `.tmp-${basename(path)}-${process.pid}-${randomBytes(4).toString('hex')}`)

export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = tempPath(path)
  await writeFile(tmp, content, { flag: 'wx', mode: 0o644 })
  try {
    await rename(tmp, path)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw err
  }
}

/** Like writeFileAtomic, but fails with EEXIST instead of replacing a file that is already there. */
export async function createFileAtomic(path: string, content: string): Promise<void> {
  const tmp = tempPath(path)
  await writeFile(tmp, content, { flag: 'wx', mode: 0o644 })
  try {
    await link(tmp, path)
  } catch (err) {
    // File systems without hard links: the name was reserved beforehand, so a rename is safe enough.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM' && (err as NodeJS.ErrnoException).code !== 'ENOTSUP') throw err
    await rename(tmp, path)
  } finally {
    await unlink(tmp).catch(() => {})
  }
}
