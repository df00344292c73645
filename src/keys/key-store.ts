// Deploy and signing keys on disk: ~/.ssh/deploy_keys (0700), private keys 0600, public 0644, JSON sidecars.
import { chmod, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { WrapixError } from '../errors.js'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { readFileIfExists } from '../fs/read-if-exists.js'
import type { KeyPair } from './key-pair.js'
import { type KeyRecord, KeyRecordSchema } from './key-record.js'

export interface KeyPaths {
  readonly privateKey: string
  readonly publicKey: string
  readonly signingPrivateKey: string
  readonly signingPublicKey: string
  readonly record: string
}

export const keysDir = (home: string): string => join(home, '.ssh', 'deploy_keys')

export function keyPaths(home: string, name: string): KeyPaths {
  const base = join(keysDir(home), name)
  return {
    privateKey: base,
    publicKey: `${base}.pub`,
    signingPrivateKey: `${base}-signing`,
    signingPublicKey: `${base}-signing.pub`,
    record: `${base}.json`,
  }
}

/** Creates ~/.ssh and ~/.ssh/deploy_keys when missing; always (re)sets deploy_keys to 0700. */
export async function ensureKeysDir(home: string): Promise<string> {
  await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 })
  const dir = keysDir(home)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  return dir
}

export async function writeKeyFiles(home: string, name: string, deploy: KeyPair, signing: KeyPair | null): Promise<void> {
  await ensureKeysDir(home)
  const paths = keyPaths(home, name)
  await writeFileAtomic(paths.privateKey, deploy.privateKey, 0o600)
  await writeFileAtomic(paths.publicKey, `${deploy.publicKey}\n`, 0o644)
  if (signing) {
    await writeFileAtomic(paths.signingPrivateKey, signing.privateKey, 0o600)
    await writeFileAtomic(paths.signingPublicKey, `${signing.publicKey}\n`, 0o644)
  } else {
    await rm(paths.signingPrivateKey, { force: true })
    await rm(paths.signingPublicKey, { force: true })
  }
}

export async function writeKeyRecord(home: string, record: KeyRecord): Promise<void> {
  await ensureKeysDir(home)
  await writeFileAtomic(keyPaths(home, record.name).record, `${JSON.stringify(record, null, 2)}\n`, 0o644)
}

function parseRecord(text: string, file: string): KeyRecord {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new WrapixError('config', `${file}: not valid JSON`, `remove the key with: wrapix keys rm <name>, then set it up again`)
  }
  const result = KeyRecordSchema.safeParse(data)
  if (result.success) return result.data
  const fields = result.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
  throw new WrapixError('config', `${file}: ${fields.join('; ')}`, 'remove the key with: wrapix keys rm <name>, then set it up again')
}

/** The sidecar of key `name`, or null when there is none. An unreadable or invalid sidecar is an error. */
export async function readKeyRecord(home: string, name: string): Promise<KeyRecord | null> {
  const file = keyPaths(home, name).record
  const text = await readFileIfExists(file)
  return text === null ? null : parseRecord(text, file)
}

export interface KeyListing {
  readonly records: KeyRecord[]
  readonly problems: { file: string; message: string }[]
}

/** Every key with a sidecar, sorted by name; broken sidecars are listed as problems, not skipped silently. */
export async function listKeyRecords(home: string): Promise<KeyListing> {
  let entries: string[]
  try {
    entries = await readdir(keysDir(home))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] }
    throw err
  }
  const records: KeyRecord[] = []
  const problems: { file: string; message: string }[] = []
  for (const entry of entries.filter((e) => e.endsWith('.json') && !e.startsWith('.')).sort()) {
    const file = join(keysDir(home), entry)
    try {
      records.push(parseRecord(await readFile(file, 'utf8'), file))
    } catch (err) {
      problems.push({ file, message: err instanceof Error ? err.message : String(err) })
    }
  }
  return { records, problems }
}

/** True when any file of key `name` exists (a sidecar, or key files left without one). */
export async function keyFilesExist(home: string, name: string): Promise<boolean> {
  for (const path of Object.values(keyPaths(home, name))) {
    if (await stat(path).then(() => true, () => false)) return true
  }
  return false
}

export async function removeKeyFiles(home: string, name: string): Promise<void> {
  for (const path of Object.values(keyPaths(home, name))) await rm(path, { force: true })
}
