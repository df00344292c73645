// The host's own upstream proxy (corporate networks): which one applies, which hosts bypass it, and a
// CONNECT tunnel through it. Chosen only from the user's config or wrapix's own environment, never from
// a project file (a hostile commit must not route the session's traffic through its own proxy).
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { isIP } from 'node:net'
import { WrapixError } from '../errors.js'
import { formatHostPort, normalizeHostName } from './host-rule.js'

export interface UpstreamProxy {
  readonly host: string
  readonly port: number
  /** `Basic …` when the URL carries credentials. */
  readonly authorization: string | null
  /** The URL with its password masked, for `wrapix config`, records and errors. */
  readonly display: string
  /** The field or variable it came from. */
  readonly source: string
  /** Values to mask wherever they appear: the password and the encoded credentials. */
  readonly secrets: readonly string[]
}

export interface UpstreamProxies {
  /** For CONNECT tunnels and TLS to credential upstreams. */
  readonly https: UpstreamProxy | null
  /** For plain-HTTP requests (absolute URI forwarded to it). */
  readonly http: UpstreamProxy | null
  /** NO_PROXY entries (lower case): hosts reached directly. */
  readonly noProxy: readonly string[]
}

/** Parses a proxy URL (`http://user:pass@host:3128`, scheme optional as in the usual variables). */
export function parseUpstreamProxy(value: string, source: string): UpstreamProxy {
  const fail = (why: string): never => {
    throw new WrapixError('config', `${source}: ${why}`, `use an http proxy URL like http://user:pass@proxy.example:3128, or unset ${source}`)
  }
  let url: URL
  try {
    url = new URL(value.includes('://') ? value : `http://${value}`)
  } catch {
    return fail('not a proxy URL')
  }
  if (url.protocol !== 'http:') fail(`unsupported proxy scheme "${url.protocol.slice(0, -1)}" (only http:// proxies)`)
  if (url.hostname === '' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') fail('not a proxy URL (host and port only)')
  const user = decodeURIComponent(url.username)
  const password = decodeURIComponent(url.password)
  const token = user !== '' || password !== '' ? Buffer.from(`${user}:${password}`).toString('base64') : null
  const masked = password === '' ? '' : `:••••`
  const display = `http://${user !== '' || password !== '' ? `${url.username}${masked}@` : ''}${url.host}`
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 80 : Number(url.port),
    authorization: token && `Basic ${token}`,
    display, source,
    secrets: [password, url.password, token ?? ''].filter((s) => s !== ''),
  }
}

const firstSet = (env: NodeJS.ProcessEnv, names: readonly string[]): [string, string] | null => {
  for (const name of names) {
    const value = env[name]?.trim()
    if (value) return [name, value]
  }
  return null
}

/** The upstream proxies in effect: `network.upstreamProxy` from the user config, else the environment. */
export function chooseUpstreamProxies(env: NodeJS.ProcessEnv, configured: string | undefined): UpstreamProxies {
  const noProxy = (firstSet(env, ['no_proxy', 'NO_PROXY'])?.[1] ?? '').split(/[\s,]+/).map((e) => e.toLowerCase()).filter((e) => e !== '')
  if (configured !== undefined) {
    const both = parseUpstreamProxy(configured, 'network.upstreamProxy')
    return { https: both, http: both, noProxy }
  }
  const pick = (names: readonly string[]): UpstreamProxy | null => {
    const found = firstSet(env, names)
    return found && parseUpstreamProxy(found[1], found[0])
  }
  return { https: pick(['https_proxy', 'HTTPS_PROXY']), http: pick(['http_proxy', 'HTTP_PROXY']), noProxy }
}

/** The user's config layer and the project's, as far as the upstream proxy is concerned. */
export interface UpstreamLayers {
  readonly user: { readonly file: string; readonly value: { readonly network?: { readonly upstreamProxy?: string | undefined } | undefined } } | null
  readonly project: { readonly file: string; readonly value: { readonly network?: { readonly upstreamProxy?: string | undefined } | undefined } } | null
}

/**
 * The upstream from the config layers and the environment. A project file cannot set it (it would route the
 * session's traffic, credentials included, through a proxy of the committer's choosing): ignored with a warning.
 */
export function upstreamProxiesOf(layers: UpstreamLayers, env: NodeJS.ProcessEnv): { proxies: UpstreamProxies; warnings: string[] } {
  const fromProject = layers.project?.value.network?.upstreamProxy
  const warnings = fromProject !== undefined
    ? [`network.upstreamProxy in ${layers.project?.file} is ignored: only your user config (or HTTPS_PROXY in wrapix's environment) sets the host's upstream proxy`]
    : []
  return { proxies: chooseUpstreamProxies(env, layers.user?.value.network?.upstreamProxy), warnings }
}

/** Whether NO_PROXY sends `host:port` directly (`*`, exact names or IPs, `.suffix` / `suffix` for subdomains). */
export function bypassesUpstream(noProxy: readonly string[], host: string, port: number): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  const name = isIP(bare) !== 0 ? bare : (normalizeHostName(bare) ?? bare)
  return noProxy.some((entry) => {
    if (entry === '*') return true
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry)
    if (!m) return false
    if (m[2] !== undefined && Number(m[2]) !== port) return false
    const want = (m[1] ?? '').replace(/^\[(.*)\]$/, '$1').replace(/^\*?\./, '')
    return name === want || (isIP(name) === 0 && name.endsWith(`.${want}`))
  })
}

/** The upstream for one request, or null to go direct (NO_PROXY, or a name the user pinned with --resolve). */
export function upstreamFor(proxies: UpstreamProxies | undefined, kind: 'https' | 'http', host: string, port: number, pinned: Readonly<Record<string, string>> = {}): UpstreamProxy | null {
  const chosen = proxies?.[kind] ?? null
  const name = normalizeHostName(host.replace(/^\[(.*)\]$/, '$1')) ?? host
  return chosen && pinned[name] === undefined && !bypassesUpstream(proxies?.noProxy ?? [], host, port) ? chosen : null
}

const MAX_ANSWER_BYTES = 16 * 1024

/** Opens `host:port` through the upstream with CONNECT; resolves with the tunnel once it answered 2xx. */
export function tunnelThrough(up: UpstreamProxy, host: string, port: number, timeoutMs: number): Promise<Socket> {
  const authority = formatHostPort(host, port)
  return new Promise((resolve, reject) => {
    const sock = connect({ host: up.host, port: up.port, noDelay: true, allowHalfOpen: true })
    const fail = (why: string): void => (sock.destroy(), reject(new Error(`upstream proxy ${up.display}: ${why}`)))
    const timer = setTimeout(() => fail(`no answer to CONNECT ${authority}`), timeoutMs)
    let got = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk])
      const end = got.indexOf('\r\n\r\n')
      if (end < 0) return void (got.length > MAX_ANSWER_BYTES && fail('answer too long'))
      clearTimeout(timer)
      sock.off('data', onData)
      sock.removeAllListeners('error')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(got.subarray(0, end).toString('latin1'))?.[1]
      if (!status?.startsWith('2')) return fail(`CONNECT ${authority} refused (${status ?? 'malformed answer'})`)
      const rest = got.subarray(end + 4)
      if (rest.length > 0) sock.unshift(rest)
      resolve(sock)
    }
    sock.on('data', onData)
    sock.once('error', (err) => (clearTimeout(timer), fail(err.message)))
    sock.once('connect', () => {
      const auth = up.authorization ? `Proxy-Authorization: ${up.authorization}\r\n` : ''
      sock.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`)
    })
  })
}
