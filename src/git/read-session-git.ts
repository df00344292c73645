// Reading the sandbox's git dir on the host after the session. Everything in it was writable by the
// sandbox: no symlink is followed (O_NOFOLLOW, lstat), only regular files are read, sizes and counts are
// capped, and every name is checked before it becomes part of a path.
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { readRegular } from '../fs/read-regular.js'
import { isValidRefName, parsePackedRefs } from './ref-rules.js'

const MAX_LOOSE_REFS = 100_000
const MAX_REF_DEPTH = 32

async function isRealDir(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory()
  } catch {
    return false
  }
}

/** Every ref of the sandbox's git dir (packed, then loose on top); symbolic and malformed ones are skipped. */
export async function readSessionRefs(dir: string, hexLength: number): Promise<Map<string, string>> {
  const refs = parsePackedRefs((await readRegular(join(dir, 'packed-refs'))) ?? '', hexLength)
  const oid = new RegExp(`^([0-9a-f]{${hexLength}})\\n?$`)
  let count = 0
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > MAX_REF_DEPTH || !(await isRealDir(join(dir, rel)))) return
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      const name = `${rel}/${entry.name}`
      if (entry.isDirectory()) await walk(name, depth + 1)
      else if (entry.isFile() && isValidRefName(name) && ++count <= MAX_LOOSE_REFS) {
        const value = oid.exec((await readRegular(join(dir, name), 4096)) ?? '')?.[1]
        if (value) refs.set(name, value)
      }
    }
  }
  await walk('refs', 0)
  return refs
}

export interface SessionObjects {
  /** [fan-out dir, rest of the name] of each loose object. */
  readonly loose: readonly [string, string][]
  /** Base names (`pack-<hash>`) of packs that have both .pack and .idx. */
  readonly packs: readonly string[]
}

/** The loose objects and packs the sandbox wrote into its own object dir (names validated). */
export async function listSessionObjects(dir: string, hexLength: number): Promise<SessionObjects> {
  const objects = join(dir, 'objects')
  const loose: [string, string][] = []
  const rest = new RegExp(`^[0-9a-f]{${hexLength - 2}}$`)
  for (const fan of (await isRealDir(objects)) ? await readdir(objects, { withFileTypes: true }) : []) {
    if (!fan.isDirectory() || !/^[0-9a-f]{2}$/.test(fan.name)) continue
    for (const entry of await readdir(join(objects, fan.name), { withFileTypes: true })) {
      if (entry.isFile() && rest.test(entry.name)) loose.push([fan.name, entry.name])
    }
  }
  const packDir = join(objects, 'pack')
  const names = (await isRealDir(packDir)) ? await readdir(packDir, { withFileTypes: true }) : []
  const files = new Set(names.filter((e) => e.isFile()).map((e) => e.name))
  const pack = new RegExp(`^(pack-[0-9a-f]{${hexLength}})\\.pack$`)
  const packs = [...files].map((name) => pack.exec(name)?.[1]).filter((base): base is string => Boolean(base) && files.has(`${base}.idx`))
  return { loose, packs }
}
