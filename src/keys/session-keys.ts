// Which deploy/signing keys a session for this workspace gets: found on the host by the origin remote.
import { access } from 'node:fs/promises'
import { hostname } from 'node:os'
import { isGithubSshRemote, repositorySlug } from './github-remote.js'
import { keyAgeWarning } from './key-age.js'
import { defaultKeyName } from './key-name.js'
import type { KeyRecord } from './key-record.js'
import { keyPaths, listKeyRecords } from './key-store.js'
import type { SessionKeys } from './session-key-plan.js'
import { findRepository } from './repo-discovery.js'

export { gitSignEnabled, sessionKeyPlanParts } from './session-key-plan.js'

export interface MissingSessionKeys {
  readonly missing: true
  /** Say this once, before launch: the sandbox cannot push, and the command that fixes it. */
  readonly notice: string
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false)

/** The most fitting record: the default name for this host first, then the newest. */
function pick(records: KeyRecord[], repo: string, host: string): KeyRecord | undefined {
  const preferred = defaultKeyName(repo, host)
  return records.find((r) => r.name === preferred) ?? [...records].sort((a, b) => b.created.localeCompare(a.created))[0]
}

/**
 * The keys pinned to `workspace`'s checkout (its common git dir, recorded when the key was set up). null
 * when origin is not a GitHub SSH URL (on github.com or one of `enterpriseHosts`): nothing to do; `{ missing }`
 * with a notice when it is but no usable key is pinned here — never silently nothing. The remote only decides
 * whether a key is wanted: which key comes from the pin, so a remote rewritten in the repository's config
 * cannot hand the sandbox another repository's key.
 */
export async function findSessionKeys(
  workspace: string,
  home: string,
  opts: { hostname?: string; now?: Date; enterpriseHosts?: readonly string[] } = {},
): Promise<SessionKeys | MissingSessionKeys | null> {
  const info = await findRepository(workspace)
  if (info === null || !isGithubSshRemote(info.remote, opts.enterpriseHosts)) return null
  const slug = repositorySlug(info.remote)
  const { records } = await listKeyRecords(home)
  const pinned = records.filter((r) => r.registered && (r.checkouts ?? []).includes(info.commonDir))
  const record = pick(pinned, info.remote.repo, opts.hostname ?? hostname())
  const warnings: string[] = []
  if (!record) {
    const forRepo = records.filter((r) => r.repository.toLowerCase() === slug.toLowerCase())
    const hint = forRepo[0]
      ? forRepo[0].registered
        ? `key "${forRepo[0].name}" for ${slug} is not pinned to this checkout; pin a key here with: setup-deploy-key ${forRepo[0].name} -f (run it in ${info.topLevel})`
        : `key "${forRepo[0].name}" was never registered with GitHub; redo it with: setup-deploy-key ${forRepo[0].name} -f`
      : `create one with: setup-deploy-key (run it in ${info.topLevel})`
    return { missing: true, notice: `no deploy key for ${slug}, so git push over SSH will fail in the sandbox; ${hint}` }
  }
  if (record.repository.toLowerCase() !== slug.toLowerCase()) {
    warnings.push(`origin names ${slug}, but this checkout's deploy key "${record.name}" is for ${record.repository}: the sandbox gets that key, which pushes to ${record.repository} only`)
  }
  const paths = keyPaths(home, record.name)
  if (!(await exists(paths.privateKey)) || !(await exists(paths.publicKey))) {
    return { missing: true, notice: `the files of deploy key "${record.name}" for ${slug} are missing from ${paths.privateKey}; recreate it with: setup-deploy-key ${record.name} -f` }
  }
  const signing = record.signing !== null && (await exists(paths.signingPrivateKey)) && (await exists(paths.signingPublicKey))
  const age = keyAgeWarning('deploy', record.name, record.created, opts.now ?? new Date())
  return {
    name: record.name,
    repository: record.repository,
    deployKey: paths.privateKey,
    deployPublicKey: paths.publicKey,
    signingKey: signing ? paths.signingPrivateKey : null,
    signingPublicKey: signing ? paths.signingPublicKey : null,
    signingPublicKeyLine: signing ? (record.signing?.publicKey ?? null) : null,
    warnings: [...warnings, ...(age ? [age] : [])],
  }
}
