// Parsing git remote URLs into GitHub repositories (pure): SSH scp-like, ssh://, https:// forms.

export interface GithubRemote {
  readonly host: string // host as written in the URL, lower-cased
  readonly owner: string
  readonly repo: string // without a trailing .git; dots inside the name are kept
  readonly ssh: boolean // true for git@host:o/r and ssh://, false for https://
  readonly port?: number
}

/** Hosts that speak GitHub's SSH: `ssh.github.com:443` is GitHub's SSH-over-HTTPS-port endpoint. */
export const GITHUB_SSH_HOSTS = ['github.com', 'ssh.github.com'] as const

const SEGMENT = /^[A-Za-z0-9_.-]+$/

function ownerRepo(path: string): { owner: string; repo: string } | null {
  const parts = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/')
  if (parts.length !== 2) return null
  const [owner, rawRepo] = parts as [string, string]
  const repo = rawRepo.endsWith('.git') ? rawRepo.slice(0, -4) : rawRepo
  if (!SEGMENT.test(owner) || !SEGMENT.test(repo) || repo === '' || repo === '.' || repo === '..') return null
  return { owner, repo }
}

/** Parse any remote URL naming `owner/repo` on some host; null for local paths and other shapes. */
export function parseRemoteUrl(url: string): GithubRemote | null {
  const text = url.trim()
  // scp-like: [user@]host:owner/repo(.git) — but not a Windows drive or a URL with "://".
  const scp = /^(?:([^@/:]+)@)?([^@/:]+):(?!\/\/)(.+)$/.exec(text)
  if (scp && !text.includes('://')) {
    const names = ownerRepo(scp[3] ?? '')
    return names ? { host: (scp[2] ?? '').toLowerCase(), ...names, ssh: true } : null
  }
  let parsed: URL
  try {
    parsed = new URL(text)
  } catch {
    return null
  }
  const ssh = parsed.protocol === 'ssh:' || parsed.protocol === 'git+ssh:'
  if (!ssh && parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
  const names = ownerRepo(decodeURIComponent(parsed.pathname))
  if (!names) return null
  const port = parsed.port === '' ? undefined : Number(parsed.port)
  return { host: parsed.hostname.toLowerCase(), ...names, ssh, ...(port === undefined ? {} : { port }) }
}

/**
 * A GitHub repository reached over SSH (the only case where a deploy key is used by the sandbox): on
 * github.com, or on one of `enterpriseHosts` (GitHub Enterprise Server hosts from the user config).
 */
export function isGithubSshRemote(remote: GithubRemote | null, enterpriseHosts: readonly string[] = []): remote is GithubRemote {
  if (remote === null || !remote.ssh) return false
  return (GITHUB_SSH_HOSTS as readonly string[]).includes(remote.host) || enterpriseHosts.some((h) => h.toLowerCase() === remote.host)
}

export const repositorySlug = (r: { owner: string; repo: string }): string => `${r.owner}/${r.repo}`
