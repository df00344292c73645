// Which agent credential goes to which API, in which header: the one table the proxy injects from.
// The sandbox holds only a placeholder and a plain-HTTP base URL; the proxy swaps in the real value on
// the way to the credential's own host (TLS from the host, certificate verified there).

export type CredentialScheme = 'raw' | 'bearer'

/** One row of the table: a credential variable and the API it belongs to. */
export interface CredentialEntry {
  /** The environment variable holding the credential on the host (and the placeholder in the sandbox). */
  readonly name: string
  /** The API's base URL (https://host[:port][/path]); the variable in `baseUrlEnv` can point it at a gateway. */
  readonly url: string
  /** The request header the agent sends the credential in (lower case). */
  readonly header: string
  readonly scheme: CredentialScheme
  /** The agent's base-URL variable: set in the sandbox to the plain-HTTP form of `url`. */
  readonly baseUrlEnv: string
}

export const BUILTIN_CREDENTIALS: readonly CredentialEntry[] = [
  { name: 'ANTHROPIC_API_KEY', url: 'https://api.anthropic.com', header: 'x-api-key', scheme: 'raw', baseUrlEnv: 'ANTHROPIC_BASE_URL' },
  { name: 'CLAUDE_CODE_OAUTH_TOKEN', url: 'https://api.anthropic.com', header: 'authorization', scheme: 'bearer', baseUrlEnv: 'ANTHROPIC_BASE_URL' },
  { name: 'OPENAI_API_KEY', url: 'https://api.openai.com/v1', header: 'authorization', scheme: 'bearer', baseUrlEnv: 'OPENAI_BASE_URL' },
  { name: 'GEMINI_API_KEY', url: 'https://generativelanguage.googleapis.com', header: 'x-goog-api-key', scheme: 'raw', baseUrlEnv: 'GOOGLE_GEMINI_BASE_URL' },
]

/** Where the proxy sends an injected request: the real API (or gateway), TLS unless the user chose http. */
export interface CredentialUpstream {
  readonly host: string
  readonly port: number
  readonly tls: boolean
  /** The base URL's path ("" or "/v1"), put in front of what the agent asks for. */
  readonly basePath: string
}

/** What the proxy needs for one credential of one session (holds the real value: host memory only). */
export interface InjectedCredential {
  readonly name: string
  readonly header: string
  readonly scheme: CredentialScheme
  readonly placeholder: string
  readonly value: string
  /** The path prefix of the sandbox's base URL (`/_wrapix/api.anthropic.com`) that selects this upstream. */
  readonly route: string
  readonly upstream: CredentialUpstream
}

/** The path prefix under which the proxy serves credential routes. */
export const ROUTE_PREFIX = '/_wrapix/'

/** A placeholder that is useless anywhere else, stable for the session, longer than 20 characters. */
export const credentialPlaceholder = (sessionId: string, name: string): string => `wrapix-placeholder-${name.toLowerCase().replace(/_/g, '-')}-${sessionId}`

/** The header value the agent sends for `value` (`Bearer x` or `x`). */
export const headerValue = (scheme: CredentialScheme, value: string): string => (scheme === 'bearer' ? `Bearer ${value}` : value)

/** Parses a base URL into the upstream the proxy connects to; null when it is not a plain http(s) URL. */
export function parseUpstream(url: string): CredentialUpstream | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username !== '' || parsed.password !== '' || parsed.hostname === '') return null
  if (parsed.search !== '' || parsed.hash !== '') return null
  const tls = parsed.protocol === 'https:'
  const port = parsed.port === '' ? (tls ? 443 : 80) : Number(parsed.port)
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port, tls, basePath: parsed.pathname.replace(/\/+$/, '') }
}

/** The route name of an upstream: readable (`api.anthropic.com`, `gw.corp-8443`), unique among `taken`. */
export function routeFor(upstream: CredentialUpstream, taken: ReadonlySet<string>): string {
  const base = `${ROUTE_PREFIX}${upstream.host.replace(/[^A-Za-z0-9.-]/g, '-')}${upstream.port === (upstream.tls ? 443 : 80) ? '' : `-${upstream.port}`}`
  let route = base
  for (let i = 2; taken.has(route); i++) route = `${base}-${i}`
  return route
}
