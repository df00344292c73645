// Turning GitHub REST failures into one-line WrapixErrors that say what to do (pure).
import { WrapixError } from '../errors.js'

export type TokenSource = 'GH_TOKEN' | 'GITHUB_TOKEN' | 'gh'

/** What a request was for: used in messages and to know which scopes it needs. */
export interface GithubAction {
  readonly what: string // "register the deploy key on ada/wrapix"
  readonly scopes: readonly string[] // classic-token scopes that allow it, any one suffices
  readonly repository?: string // set for repository endpoints: a 404 then means "repository not found"
}

export interface GithubResponseFacts {
  readonly status: number
  readonly header: (name: string) => string | null
  readonly body: unknown
}

export const splitScopes = (value: string | null): string[] =>
  (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')

/** GitHub's scope hierarchy: admin:x ⊃ write:x ⊃ read:x, and repo ⊃ public_repo. */
export function scopeSatisfied(have: readonly string[], anyOf: readonly string[]): boolean {
  return anyOf.some((need) => {
    if (have.includes(need)) return true
    if (need === 'public_repo' && have.includes('repo')) return true
    const [level, area] = need.split(':')
    if (area === undefined) return false
    if (level === 'read' && (have.includes(`write:${area}`) || have.includes(`admin:${area}`))) return true
    return level === 'write' && have.includes(`admin:${area}`)
  })
}

function githubMessage(body: unknown): string {
  if (typeof body !== 'object' || body === null) return ''
  const b = body as { message?: unknown; errors?: unknown }
  const details = Array.isArray(b.errors)
    ? b.errors.map((e) => (typeof e === 'object' && e && 'message' in e ? String(e.message) : '')).filter((m) => m !== '')
    : []
  return [typeof b.message === 'string' ? b.message : '', ...details].filter((m) => m !== '').join(': ')
}

/** The command (or token change) that grants `scope`. */
export function scopeHint(scope: string, source: TokenSource, host: string): string {
  const refresh = `gh auth refresh -h ${host} -s ${scope}`
  return source === 'gh' ? `run: ${refresh}` : `give the token in ${source} the ${scope} scope (or unset it and run: ${refresh})`
}

export function githubError(res: GithubResponseFacts, action: GithubAction, source: TokenSource, host: string): WrapixError {
  const said = githubMessage(res.body)
  const detail = `${res.status}${said ? `: ${said}` : ''}`
  if (res.status === 401) {
    return new WrapixError('host', `GitHub rejected the token from ${source} (${detail})`,
      source === 'gh' ? `log in again: gh auth login -h ${host}` : `set a valid token in ${source}`)
  }
  const granted = res.header('x-oauth-scopes')
  const accepted = splitScopes(res.header('x-accepted-oauth-scopes'))
  const needed = accepted.length > 0 ? accepted : action.scopes
  // Classic tokens report their scopes; GitHub answers a missing scope with 403 or, on some endpoints, 404.
  if ((res.status === 403 || res.status === 404) && granted !== null && !scopeSatisfied(splitScopes(granted), needed)) {
    const best = needed.find((s) => s.startsWith('admin:')) ?? needed[0] ?? 'repo'
    return new WrapixError('host',
      `the GitHub token cannot ${action.what}: it lacks the ${best} scope (has: ${granted || 'none'})`,
      scopeHint(best, source, host))
  }
  if (res.status === 403 && res.header('x-ratelimit-remaining') === '0') {
    return new WrapixError('host', `GitHub's API rate limit is used up; cannot ${action.what}`, 'wait a while and run the command again')
  }
  if (res.status === 404 && action.repository) {
    return new WrapixError('usage', `GitHub repository ${action.repository} was not found, or the token cannot administer it (${detail})`,
      `check the origin remote (git remote get-url origin) and that you are an admin of ${action.repository}`)
  }
  if (res.status === 422) {
    const inUse = /already in use/i.test(said)
    return new WrapixError('usage', `GitHub refused to ${action.what} (${detail})`,
      inUse ? 'a key can be registered only once on GitHub; create a new one with -f' : 'see the message from GitHub above')
  }
  if (res.status === 403 || res.status === 404) {
    return new WrapixError('host', `GitHub refused to ${action.what} (${detail})`,
      `a fine-grained token needs the matching permission; a classic token needs ${needed.join(' or ')}`)
  }
  return new WrapixError('internal', `GitHub failed to ${action.what} (${detail})`, 'try again later; https://www.githubstatus.com shows outages')
}

/** fetch() itself failed: DNS, refused connection, TLS, timeout. */
export function githubNetworkError(apiUrl: string, action: GithubAction, err: unknown): WrapixError {
  const cause = err instanceof Error ? ((err.cause as { code?: string } | undefined)?.code ?? err.cause?.toString() ?? err.message) : String(err)
  return new WrapixError('host', `cannot reach the GitHub API at ${apiUrl} to ${action.what} (${cause})`,
    'check your network connection, or point at another API with --github-api URL (GITHUB_API_URL)', { cause: err })
}
