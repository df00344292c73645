// A small GitHub REST client for deploy keys and SSH signing keys (node fetch, no proxy, typed errors).
import { WrapixError } from '../errors.js'
import { type GithubAction, githubError, githubNetworkError, splitScopes, scopeSatisfied, type TokenSource } from './github-errors.js'

export const DEFAULT_GITHUB_API = 'https://api.github.com'
const TIMEOUT_MS = 30_000

export interface RemoteKey {
  readonly id: number
  readonly key: string
  readonly title: string
}

export interface GithubClient {
  readonly apiUrl: string
  addDeployKey(repository: string, title: string, key: string, readOnly: boolean): Promise<RemoteKey>
  listDeployKeys(repository: string): Promise<RemoteKey[]>
  /** 'absent' when GitHub no longer has it (already deleted by hand): removing is then done. */
  deleteDeployKey(repository: string, id: number): Promise<'deleted' | 'absent'>
  addSigningKey(title: string, key: string): Promise<RemoteKey>
  listSigningKeys(): Promise<RemoteKey[]>
  deleteSigningKey(id: number): Promise<'deleted' | 'absent'>
}

/** `--github-api` > GITHUB_API_URL > api.github.com, validated and without a trailing slash. */
export function resolveGithubApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const raw = flag ?? env.GITHUB_API_URL ?? DEFAULT_GITHUB_API
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new WrapixError('usage', `invalid GitHub API URL "${raw}"`, 'use e.g. --github-api https://github.example.com/api/v3')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WrapixError('usage', `the GitHub API URL must be http(s): "${raw}"`, 'use e.g. --github-api https://github.example.com/api/v3')
  }
  return url.toString().replace(/\/+$/, '')
}

/** The web host that `gh` knows the API by: api.github.com → github.com, GHE → its own host. */
export function githubHostOf(apiUrl: string): string {
  const host = new URL(apiUrl).hostname
  return host === 'api.github.com' ? 'github.com' : host
}

const DEPLOY_SCOPES = ['repo'] as const
const SIGNING_WRITE = ['write:ssh_signing_key', 'admin:ssh_signing_key'] as const
const SIGNING_READ = ['read:ssh_signing_key', 'write:ssh_signing_key', 'admin:ssh_signing_key'] as const
const SIGNING_ADMIN = ['admin:ssh_signing_key'] as const

/** GitHub answers a missing scope with 404 on some endpoints; only classic tokens tell us their scopes. */
function lacksScope(res: Response, action: GithubAction): boolean {
  const granted = res.headers.get('x-oauth-scopes')
  if (granted === null) return false
  const accepted = splitScopes(res.headers.get('x-accepted-oauth-scopes'))
  return !scopeSatisfied(splitScopes(granted), accepted.length > 0 ? accepted : action.scopes)
}

export function createGithubClient(opts: { apiUrl: string; token: string; tokenSource: TokenSource }): GithubClient {
  const { apiUrl, token, tokenSource } = opts
  const host = githubHostOf(apiUrl)

  async function call(method: string, path: string, action: GithubAction, body?: unknown): Promise<{ status: number; data: unknown }> {
    let res: Response
    try {
      res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'wrapix',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
    } catch (err) {
      throw githubNetworkError(apiUrl, action, err)
    }
    const text = await res.text()
    let data: unknown = null
    try {
      data = text === '' ? null : JSON.parse(text)
    } catch {
      data = { message: text.slice(0, 200) }
    }
    if (res.ok) return { status: res.status, data }
    if (method === 'DELETE' && res.status === 404 && !lacksScope(res, action)) return { status: 404, data }
    throw githubError({ status: res.status, header: (n) => res.headers.get(n), body: data }, action, tokenSource, host)
  }

  const asKey = (data: unknown): RemoteKey => {
    const d = data as Partial<RemoteKey> | null
    if (!d || typeof d.id !== 'number' || typeof d.key !== 'string') {
      throw new WrapixError('internal', `unexpected answer from the GitHub API at ${apiUrl}`, 'check --github-api / GITHUB_API_URL')
    }
    return { id: d.id, key: d.key, title: typeof d.title === 'string' ? d.title : '' }
  }
  const asKeys = (data: unknown): RemoteKey[] => (Array.isArray(data) ? data.map(asKey) : [])
  const repoPath = (repository: string): string => `/repos/${repository.split('/').map(encodeURIComponent).join('/')}/keys`
  const deployAction = (what: string, repository: string): GithubAction => ({ what: `${what} on ${repository}`, scopes: DEPLOY_SCOPES, repository })

  return {
    apiUrl,
    async addDeployKey(repository, title, key, readOnly) {
      const action = deployAction('register the deploy key', repository)
      return asKey((await call('POST', repoPath(repository), action, { title, key, read_only: readOnly })).data)
    },
    async listDeployKeys(repository) {
      return asKeys((await call('GET', `${repoPath(repository)}?per_page=100`, deployAction('list the deploy keys', repository))).data)
    },
    async deleteDeployKey(repository, id) {
      // A 404 on DELETE is ambiguous (key gone, or repository gone): both leave nothing to remove.
      const { status } = await call('DELETE', `${repoPath(repository)}/${id}`, deployAction('remove the deploy key', repository))
      return status === 404 ? 'absent' : 'deleted'
    },
    async addSigningKey(title, key) {
      const action = { what: 'register the SSH signing key on your account', scopes: SIGNING_WRITE }
      return asKey((await call('POST', '/user/ssh_signing_keys', action, { title, key })).data)
    },
    async listSigningKeys() {
      const action = { what: 'list your SSH signing keys', scopes: SIGNING_READ }
      return asKeys((await call('GET', '/user/ssh_signing_keys?per_page=100', action)).data)
    },
    async deleteSigningKey(id) {
      const action = { what: 'remove the SSH signing key from your account', scopes: SIGNING_ADMIN }
      const { status } = await call('DELETE', `/user/ssh_signing_keys/${id}`, action)
      return status === 404 ? 'absent' : 'deleted'
    },
  }
}
