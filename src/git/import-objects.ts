// Copies the objects the sandbox created into the host's object store. Loose objects are inflated and
// their hash checked against their name before they are linked in; packs are re-indexed by git itself
// (`index-pack --stdin`, which verifies every object), never trusted with the sandbox's own .idx.
import { createHash, randomBytes } from 'node:crypto'
import { link, mkdir, open, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { openRegular } from '../fs/read-regular.js'
import { listSessionObjects } from './read-session-git.js'
import { runSafeGit } from './safe-git.js'

const MAX_LOOSE_BYTES = 1024 * 1024 * 1024
const OBJECT_HEADER = /^(blob|tree|commit|tag) (\d+)$/

export interface ObjectImport {
  readonly loose: number
  readonly packs: number
  /** Objects or packs refused (bad hash, not an object, unreadable). */
  readonly refused: readonly string[]
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false)

/** true when `compressed` inflates to a well-formed object whose hash is `oid`. */
export function isLooseObject(compressed: Buffer, oid: string): boolean {
  let raw: Buffer
  try {
    raw = inflateSync(compressed, { maxOutputLength: MAX_LOOSE_BYTES })
  } catch {
    return false
  }
  const nul = raw.indexOf(0)
  const header = OBJECT_HEADER.exec(raw.subarray(0, Math.max(0, nul)).toString('latin1'))
  if (nul < 0 || !header || Number(header[2]) !== raw.length - nul - 1) return false
  return createHash(oid.length === 64 ? 'sha256' : 'sha1').update(raw).digest('hex') === oid
}

async function importLoose(from: string, toDir: string, oid: string, name: string): Promise<'copied' | 'present' | 'refused'> {
  const target = join(toDir, name)
  if (await exists(target)) return 'present'
  const handle = await openRegular(from)
  if (!handle) return 'refused'
  let data: Buffer
  try {
    if ((await handle.stat()).size > MAX_LOOSE_BYTES) return 'refused'
    data = await handle.readFile()
  } finally {
    await handle.close()
  }
  if (!isLooseObject(data, oid)) return 'refused'
  await mkdir(toDir, { recursive: true, mode: 0o755 })
  const temp = join(toDir, `tmp_obj_wrapix_${randomBytes(6).toString('hex')}`)
  const out = await open(temp, 'wx', 0o444)
  try {
    await out.writeFile(data)
  } finally {
    await out.close()
  }
  try {
    await link(temp, target) // never replaces an object that appeared meanwhile
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  } finally {
    await unlink(temp)
  }
  return 'copied'
}

/** Brings every new object of `sessionGitDir` into `commonDir`'s object store. */
export async function importObjects(sessionGitDir: string, commonDir: string, hexLength: number): Promise<ObjectImport> {
  const { loose, packs } = await listSessionObjects(sessionGitDir, hexLength)
  const refused: string[] = []
  let looseCopied = 0
  for (const [fan, rest] of loose) {
    const result = await importLoose(join(sessionGitDir, 'objects', fan, rest), join(commonDir, 'objects', fan), fan + rest, rest)
    if (result === 'copied') looseCopied++
    if (result === 'refused') refused.push(`object ${fan}${rest}`)
  }
  let packsCopied = 0
  for (const base of packs) {
    if (await exists(join(commonDir, 'objects', 'pack', `${base}.pack`))) continue
    const handle = await openRegular(join(sessionGitDir, 'objects', 'pack', `${base}.pack`))
    if (!handle) {
      refused.push(base)
      continue
    }
    try {
      const r = await runSafeGit(['--git-dir', commonDir, 'index-pack', '--stdin'], { input: handle.createReadStream({ autoClose: false }) })
      if (r.ok) packsCopied++
      else refused.push(`${base} (${r.err.split('\n')[0]})`)
    } finally {
      await handle.close()
    }
  }
  return { loose: looseCopied, packs: packsCopied, refused }
}
