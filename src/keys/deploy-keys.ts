// The deploy-key commands as functions: setup (incl. -f), rotate, rm. The CLI only parses and renders.
import { WrapixError } from '../errors.js'
import { createGithubClient, type GithubClient, githubHostOf, resolveGithubApiUrl } from './github-client.js'
import { GITHUB_SSH_HOSTS, repositorySlug } from './github-remote.js'
import { resolveGithubToken } from './github-token.js'
import { assertKeyName, defaultKeyName } from './key-name.js'
import { samePublicKey } from './key-pair.js'
import type { KeyRecord } from './key-record.js'
import { keyFilesExist, keyPaths, readKeyRecord, removeKeyFiles } from './key-store.js'
import { type KeyChange, replaceKeys, unregisterKeys } from './replace-keys.js'
import { findCommonDir, requireRepository } from './repo-discovery.js'

export interface KeysContext {
  readonly home: string
  readonly cwd: string
  readonly hostname: string
  readonly env: NodeJS.ProcessEnv
  readonly now: Date
  readonly githubApi?: string // --github-api
}

export interface SetupOptions {
  readonly name?: string
  readonly force: boolean
  readonly readOnly: boolean
  readonly signing: boolean
  readonly repository?: string // owner/repo instead of the checkout's origin
}

async function clientFor(ctx: KeysContext, apiUrl: string): Promise<GithubClient> {
  const { token, source } = await resolveGithubToken(ctx.env, githubHostOf(apiUrl))
  return createGithubClient({ apiUrl, token, tokenSource: source })
}

/** The client for an old record: the same one when it was registered with the same API. */
const oldClientFor = (ctx: KeysContext, client: GithubClient, old: KeyRecord | null): Promise<GithubClient> =>
  !old || old.githubApi === client.apiUrl ? Promise.resolve(client) : clientFor(ctx, old.githubApi)

async function targetRepository(ctx: KeysContext, opts: SetupOptions, apiUrl: string): Promise<{ slug: string; repo: string; checkouts: string[]; notices: string[] }> {
  if (opts.repository) {
    const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(opts.repository)
    if (!m) throw new WrapixError('usage', `--repo must be OWNER/REPO, not "${opts.repository}"`, 'e.g. --repo ada/my.project')
    const commonDir = await findCommonDir(ctx.cwd)
    return { slug: opts.repository, repo: m[2] ?? '', checkouts: commonDir ? [commonDir] : [], notices: [] }
  }
  const info = await requireRepository(ctx.cwd)
  const notices: string[] = []
  const enterprise = apiUrl !== 'https://api.github.com'
  if (!enterprise && !(GITHUB_SSH_HOSTS as readonly string[]).includes(info.remote.host)) {
    throw new WrapixError('usage', `origin (${info.remoteUrl}) is not on github.com`,
      'for GitHub Enterprise pass --github-api https://HOST/api/v3 (or set GITHUB_API_URL)')
  }
  if (!info.remote.ssh) {
    const ssh = `git@${info.remote.host}:${repositorySlug(info.remote)}.git`
    notices.push(`origin uses HTTPS; the sandbox pushes with the deploy key only over SSH: git remote set-url origin ${ssh}`)
  }
  return { slug: repositorySlug(info.remote), repo: info.remote.repo, checkouts: [info.commonDir], notices }
}

/** `setup-deploy-key [NAME] [-f] [--read-only] [--no-signing]`. */
export async function setupDeployKey(ctx: KeysContext, opts: SetupOptions): Promise<KeyChange> {
  const apiUrl = resolveGithubApiUrl(ctx.githubApi, ctx.env)
  const target = await targetRepository(ctx, opts, apiUrl)
  const name = assertKeyName(opts.name ?? defaultKeyName(target.repo, ctx.hostname))
  const old = await readKeyRecord(ctx.home, name)
  if (!opts.force && (old || (await keyFilesExist(ctx.home, name)))) {
    throw new WrapixError('usage', `a key named "${name}" already exists in ${keyPaths(ctx.home, name).privateKey}`,
      `replace it locally and on GitHub with: setup-deploy-key ${name} -f (or: wrapix keys rotate ${name})`)
  }
  const client = await clientFor(ctx, apiUrl)
  // A key replaced with -f keeps the checkouts it was pinned to, plus this one.
  const kept = old?.repository.toLowerCase() === target.slug.toLowerCase() ? (old.checkouts ?? []) : []
  const checkouts = [...new Set([...kept, ...target.checkouts])]
  const spec = { home: ctx.home, name, repository: target.slug, readOnly: opts.readOnly, signing: opts.signing, now: ctx.now, checkouts }
  const change = await replaceKeys(client, await oldClientFor(ctx, client, old), old, spec)
  return { ...change, notices: [...target.notices, ...change.notices] }
}

async function requireRecord(ctx: KeysContext, name: string): Promise<KeyRecord> {
  const record = await readKeyRecord(ctx.home, name)
  if (record) return record
  throw new WrapixError('usage', `there is no deploy key named "${name}"`, 'list them with: wrapix keys ls')
}

/** `wrapix keys rotate NAME`: same repository and settings, new key pair; the old one goes last. */
export async function rotateDeployKey(ctx: KeysContext, name: string): Promise<KeyChange> {
  const old = await requireRecord(ctx, assertKeyName(name))
  const client = await clientFor(ctx, ctx.githubApi ? resolveGithubApiUrl(ctx.githubApi, ctx.env) : old.githubApi)
  const spec = { home: ctx.home, name, repository: old.repository, readOnly: old.readOnly, signing: old.signing !== null, now: ctx.now, checkouts: old.checkouts ?? [] }
  return replaceKeys(client, await oldClientFor(ctx, client, old), old, spec)
}

/** `wrapix keys rm NAME`: remote first, then local, so a failure leaves the key listed and retryable. */
export async function removeDeployKey(ctx: KeysContext, name: string): Promise<{ removed: KeyRecord | null; notices: string[] }> {
  const record = await readKeyRecord(ctx.home, assertKeyName(name))
  if (!record) {
    if (!(await keyFilesExist(ctx.home, name))) await requireRecord(ctx, name)
    await removeKeyFiles(ctx.home, name)
    return { removed: null, notices: [`"${name}" had no record of its GitHub registration; removed the local files only`] }
  }
  await unregisterKeys(await clientFor(ctx, record.githubApi), record)
  await removeKeyFiles(ctx.home, name)
  return { removed: record, notices: [] }
}

/** `wrapix keys ls --check`: is each key still registered on GitHub? (GitHub's lists, matched by key.) */
export async function checkRemoteKeys(ctx: KeysContext, records: readonly KeyRecord[]): Promise<Map<string, boolean>> {
  const result = new Map<string, boolean>()
  const clients = new Map<string, GithubClient>()
  for (const record of records) {
    const client = clients.get(record.githubApi) ?? (await clientFor(ctx, record.githubApi))
    clients.set(record.githubApi, client)
    const deployKeys = await client.listDeployKeys(record.repository)
    let ok = deployKeys.some((k) => samePublicKey(k.key, record.deploy.publicKey))
    if (ok && record.signing) {
      const signing = record.signing
      ok = (await client.listSigningKeys()).some((k) => samePublicKey(k.key, signing.publicKey))
    }
    result.set(record.name, ok)
  }
  return result
}
