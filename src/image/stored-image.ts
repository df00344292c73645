// The start-up cache hit without starting podman: containers/storage lists every local image with its names in
// <graphroot>/overlay-images/images.json (replaced atomically on every change). Starting podman just to ask costs
// more than the rest of wrapix's start-up on a small machine. Only a hit is trusted (a miss asks podman), only
// the invoking user's default storage is read, and anything unusual (CONTAINERS_STORAGE_CONF, a storage.conf
// that moves the storage or picks another driver, a list not owned by the user, a link, bad JSON) asks podman.
import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { openRegular } from '../fs/read-regular.js'

export interface StorageUser {
  readonly uid: number
  readonly home: string
}

const ROOT_GRAPHROOT = '/var/lib/containers/storage'
const MAX_LIST_BYTES = 16 * 1024 * 1024

const ImageList = z.array(z.object({ id: z.string().regex(/^[0-9a-f]{64}$/), names: z.array(z.string()).optional() }).loose())

/** The storage.conf files podman reads, most specific first (the first that exists is the one used). */
export function storageConfs(user: StorageUser, env: NodeJS.ProcessEnv): string[] {
  const configHome = env.XDG_CONFIG_HOME || join(user.home, '.config')
  return [...(user.uid === 0 ? [] : [join(configHome, 'containers', 'storage.conf')]), '/etc/containers/storage.conf', '/usr/share/containers/storage.conf']
}

/** The keys that move the image list or change its format. */
const STORAGE_KEYS = /\b(driver|graphroot|rootless_storage_path)\b/

/**
 * `key = "value"` settings of a storage.conf's [storage] table (the keys that move the image list); null when
 * the file sets one of those keys in another form (single quotes, a dotted `storage.driver` at the top), which
 * this small reader does not follow: podman is asked instead.
 */
export function storageSettings(text: string): Record<string, string> | null {
  const settings: Record<string, string> = {}
  let table = ''
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim()
    const header = /^\[([^\]]+)\]$/.exec(line)
    if (header) table = header[1]!.trim()
    const pair = /^([A-Za-z_]+)\s*=\s*"([^"]*)"$/.exec(line)
    if (pair && table === 'storage') settings[pair[1]!] = pair[2]!
    else if (!header && (table === 'storage' || table === '') && STORAGE_KEYS.test(line)) return null // '…', or storage.driver = …
  }
  return settings
}

/** The image list podman uses for this user, or null when this is not a default overlay storage. */
export async function imageListPath(user: StorageUser, env: NodeJS.ProcessEnv, confs = storageConfs(user, env)): Promise<string | null> {
  if (env.CONTAINERS_STORAGE_CONF || env.STORAGE_DRIVER) return null
  const graphroot = user.uid === 0 ? ROOT_GRAPHROOT : join(env.XDG_DATA_HOME || join(user.home, '.local', 'share'), 'containers', 'storage')
  for (const conf of confs) {
    const text = await readOwnText(conf, null, 1024 * 1024)
    if (text === undefined) return null // there, but not a plain file: podman may read it, we cannot
    if (text === null) continue
    const s = storageSettings(text)
    if (s === null) return null
    if (s.driver !== undefined && s.driver !== 'overlay') return null
    // Root's storage moves with graphroot; a normal user's with rootless_storage_path, or graphroot in their own file.
    const moved = user.uid === 0 ? s.graphroot !== undefined && s.graphroot !== ROOT_GRAPHROOT : s.rootless_storage_path !== undefined || (conf === confs[0] && s.graphroot !== undefined)
    if (moved) return null
    break
  }
  return join(graphroot, 'overlay-images', 'images.json')
}

/**
 * Text of a regular file (not through a link) owned by `owner` (null: anyone, for system config): null when
 * absent, undefined when it exists but is not such a file.
 */
async function readOwnText(path: string, owner: number | null, maxBytes: number): Promise<string | null | undefined> {
  let handle
  try {
    handle = await openRegular(path)
  } catch {
    return undefined
  }
  if (!handle) return (await exists(path)) ? undefined : null
  try {
    const stat = await handle.stat()
    if ((owner !== null && stat.uid !== owner) || stat.size > maxBytes) return undefined
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
}

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  )

/** The id of the image named `ref` in the image list at `list`, when that list is a regular file `owner` owns. */
export async function imageIdInList(list: string, ref: string, owner: number): Promise<string | null> {
  const text = await readOwnText(list, owner, MAX_LIST_BYTES)
  if (typeof text !== 'string') return null
  const images = ImageList.safeParse(JSON.parse(text))
  if (!images.success) return null
  return images.data.find((image) => image.names?.includes(ref))?.id ?? null
}

/** The id of the local image named `ref` (a full name: localhost/wrapix-…:tag), or null: ask podman. */
export async function storedImageId(ref: string, user: StorageUser, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  try {
    const list = await imageListPath(user, env)
    return list === null ? null : await imageIdInList(list, ref, user.uid)
  } catch {
    return null
  }
}
