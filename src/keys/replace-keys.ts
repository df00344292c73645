// Registering a new deploy/signing pair and retiring the old one, in the order that never leaves the
// repository without a working key and never leaves a half-registered key behind.
import { WrapixError } from '../errors.js'
import type { GithubClient, RemoteKey } from './github-client.js'
import { generateKeyPair, type KeyPair, samePublicKey } from './key-pair.js'
import type { KeyRecord } from './key-record.js'
import { writeKeyFiles, writeKeyRecord } from './key-store.js'

export interface NewKeySpec {
  readonly home: string
  readonly name: string
  readonly repository: string // owner/repo
  /** Common git dirs of the checkouts the key is pinned to. */
  readonly checkouts: readonly string[]
  readonly readOnly: boolean
  readonly signing: boolean
  readonly now: Date
}

export interface KeyChange {
  readonly record: KeyRecord
  readonly replaced: KeyRecord | null
  /** Things the user should know that did not stop the command (printed on stderr). */
  readonly notices: string[]
}

/** Removes what was registered when a later step fails; returns the ids it could not remove. */
async function rollback(client: GithubClient, repository: string, deploy: RemoteKey | null, signing: RemoteKey | null): Promise<string[]> {
  const left: string[] = []
  if (deploy) await client.deleteDeployKey(repository, deploy.id).catch(() => left.push(`deploy key ${deploy.id} on ${repository}`))
  if (signing) await client.deleteSigningKey(signing.id).catch(() => left.push(`signing key ${signing.id} on your account`))
  return left
}

/** Generate, register (deploy key, then signing key) and only then write the files and the sidecar. */
export async function registerNewKeys(client: GithubClient, spec: NewKeySpec): Promise<KeyRecord> {
  const stamp = spec.now.toISOString().slice(0, 10)
  const deployPair = generateKeyPair(`wrapix-deploy:${spec.name}`)
  const signingPair: KeyPair | null = spec.signing ? generateKeyPair(`wrapix-signing:${spec.name}`) : null
  let deploy: RemoteKey | null = null
  let signing: RemoteKey | null = null
  try {
    deploy = await client.addDeployKey(spec.repository, `wrapix ${spec.name} (${stamp})`, deployPair.publicKey, spec.readOnly)
    if (signingPair) signing = await client.addSigningKey(`wrapix ${spec.name} (${stamp})`, signingPair.publicKey)
    const record: KeyRecord = {
      version: 1,
      name: spec.name,
      repository: spec.repository,
      githubApi: client.apiUrl,
      created: spec.now.toISOString(),
      registered: true,
      readOnly: spec.readOnly,
      checkouts: [...spec.checkouts],
      deploy: { publicKey: deployPair.publicKey, fingerprint: deployPair.fingerprint, remoteId: deploy.id },
      signing: signingPair && signing
        ? { publicKey: signingPair.publicKey, fingerprint: signingPair.fingerprint, remoteId: signing.id }
        : null,
    }
    await writeKeyFiles(spec.home, spec.name, deployPair, signingPair)
    await writeKeyRecord(spec.home, record)
    return record
  } catch (err) {
    const left = await rollback(client, spec.repository, deploy, signing)
    if (left.length === 0 || !(err instanceof WrapixError)) throw err
    throw new WrapixError(err.kind, `${err.message}; also could not undo: ${left.join(', ')}`,
      `remove ${left.length === 1 ? 'it' : 'them'} in GitHub's settings (Deploy keys / SSH and GPG keys)`, { cause: err })
  }
}

/** The GitHub id of an old key: from the sidecar, else found by its public key in the list. */
async function remoteIdOf(found: RemoteKey[] | (() => Promise<RemoteKey[]>), publicKey: string, id: number | null): Promise<number | null> {
  if (id !== null) return id
  const list = Array.isArray(found) ? found : await found()
  return list.find((k) => samePublicKey(k.key, publicKey))?.id ?? null
}

/** Deletes the remote keys of `old` (missing ones count as deleted). Throws on the first real failure. */
export async function unregisterKeys(client: GithubClient, old: KeyRecord): Promise<void> {
  const deployId = await remoteIdOf(() => client.listDeployKeys(old.repository), old.deploy.publicKey, old.deploy.remoteId)
  if (deployId !== null) await client.deleteDeployKey(old.repository, deployId)
  if (old.signing) {
    const signingId = await remoteIdOf(() => client.listSigningKeys(), old.signing.publicKey, old.signing.remoteId)
    if (signingId !== null) await client.deleteSigningKey(signingId)
  }
}

/**
 * New key first, old key last: register and write the new pair, then remove the old pair from GitHub.
 * If removing the old remote keys fails the new key still works; the user is told what is left over.
 */
export async function replaceKeys(client: GithubClient, oldClient: GithubClient, old: KeyRecord | null, spec: NewKeySpec): Promise<KeyChange> {
  const record = await registerNewKeys(client, spec)
  const notices: string[] = []
  if (old) {
    try {
      await unregisterKeys(oldClient, old)
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      notices.push(`the new key works, but the old one (${old.deploy.fingerprint}) is still registered on GitHub: ${why}`)
    }
  }
  return { record, replaced: old, notices }
}
