// Reading files someone else could have written (the sandbox, a project): regular files only, never through
// a symlink (O_NOFOLLOW) and never blocking on a FIFO (O_NONBLOCK), with a size cap.
import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'

const MAX_SMALL_FILE_BYTES = 64 * 1024 * 1024

/** Opens a regular file without following a link (a FIFO cannot block us either). */
export async function openRegular(path: string): Promise<FileHandle | null> {
  let handle
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') return null
    throw err
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close()
    return null
  }
  return handle
}

/** The bytes of a regular file of at most `maxBytes`; null when absent, a link, not a file or too big. */
export async function readRegularBytes(path: string, maxBytes = MAX_SMALL_FILE_BYTES): Promise<Buffer | null> {
  const handle = await openRegular(path)
  if (!handle) return null
  try {
    if ((await handle.stat()).size > maxBytes) return null
    return await handle.readFile()
  } finally {
    await handle.close()
  }
}

export const readRegular = async (path: string, maxBytes = MAX_SMALL_FILE_BYTES): Promise<string | null> =>
  (await readRegularBytes(path, maxBytes))?.toString('utf8') ?? null
