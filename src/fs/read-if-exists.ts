// Reading a file that may legitimately be absent: a missing file is null, every other failure is an error.
import { readFile } from 'node:fs/promises'

export async function readFileIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw err
  }
}
