// Project files ralph puts into a prompt (the spec, notes, templates) come from a tree a hostile commit
// shapes, and the prompt goes into the sandbox: a committed link must never carry a host file (a key, a
// token) there. Every component is checked for links, the file itself is opened without following one,
// it must be a regular file, and its size is capped.
import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import { WrapixError } from '../errors.js'
import { assertNoSymlinks } from '../fs/no-symlinks.js'
import { openRegular } from '../fs/read-regular.js'

/** Specs, notes and templates are prose: anything larger is a mistake or an attack on the prompt. */
export const MAX_PROJECT_TEXT_BYTES = 256 * 1024

/** The text of `rel` (relative to the project), or null when it does not exist. */
export async function readProjectText(workspace: string, rel: string, maxBytes = MAX_PROJECT_TEXT_BYTES): Promise<string | null> {
  const path = join(workspace, rel)
  await assertNoSymlinks(workspace, path)
  const handle = await openRegular(path)
  if (!handle) {
    const exists = await lstat(path).then(() => true, () => false)
    if (exists) throw new WrapixError('config', `${rel} is not a regular file`, `make ${rel} a plain text file`)
    return null
  }
  try {
    const { size } = await handle.stat()
    if (size > maxBytes) throw new WrapixError('config', `${rel} is ${Math.ceil(size / 1024)} KiB; the limit is ${maxBytes / 1024} KiB`, `shorten ${rel}`)
    return (await handle.readFile()).toString('utf8')
  } finally {
    await handle.close()
  }
}
