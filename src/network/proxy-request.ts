// Absolute-URI HTTP through the proxy: decided, Host rewritten from the checked authority, credential
// placeholders swapped on their own API's route and refused everywhere else, malformed answers → 502.
import { request as httpRequest, STATUS_CODES } from 'node:http'
import type { Agent, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Agent as HttpsAgent } from 'node:https'
import type { AuditEvent } from './audit-log.js'
import { headerValue } from './credentials.js'
import type { InjectedCredential } from './credentials.js'
import { connect as tlsConnect } from 'node:tls'
import { decideByName, resolveDestination } from './resolve-destination.js'
import type { Destination, Lookup } from './resolve-destination.js'
import type { Policy } from './policy.js'
import { tunnelThrough, upstreamFor } from './upstream-proxy.js'
import type { UpstreamProxies } from './upstream-proxy.js'

// Headers about the hop to the proxy, never forwarded (RFC 9110 §7.6.1 plus the proxy-only ones).
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade'])

export interface RequestContext {
  readonly policy: Policy
  readonly overrides: Readonly<Record<string, string>>
  readonly lookup: Lookup
  readonly connectTimeoutMs: number
  readonly idleTimeoutMs: number
  readonly httpAgent: Agent
  readonly httpsAgent: HttpsAgent
  readonly credentials: readonly InjectedCredential[]
  /** Extra CAs the host trusts for credential upstreams (tests); the system store is always used. */
  readonly ca?: readonly string[]
  readonly upstream?: UpstreamProxies
  readonly audit: (kind: AuditEvent['kind'], host: string, port: number, started: number, dest: Destination, extra?: Partial<AuditEvent>) => void
}

const text = (res: ServerResponse, status: number, message: string): void => {
  if (res.headersSent) return void res.destroy()
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`wrapix: ${message}\n`)
}

/** The credential whose placeholder appears in `values`, if any. */
export function placeholderIn(credentials: readonly InjectedCredential[], values: readonly string[]): InjectedCredential | undefined {
  return credentials.find((c) => values.some((v) => v.includes(c.placeholder)))
}

export const leakReason = (c: InjectedCredential, host: string, port: number): string =>
  `credential leak attempt: the ${c.name} placeholder was sent to ${host}:${port}, which is not its API`

const denied = (reason: string): Destination => ({ decision: { allowed: false, rule: null, reason, allowArg: null }, addresses: [] })

/** The credential whose route `target` (origin form, or absolute form to loopback) starts with. */
function routeOf(credentials: readonly InjectedCredential[], target: string): InjectedCredential | undefined {
  let path = target
  if (!target.startsWith('/')) {
    const m = /^http:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(\/.*)$/i.exec(target)
    if (!m) return undefined
    path = m[1] ?? ''
  }
  return credentials.find((c) => path === c.route || path.startsWith(`${c.route}/`) || path.startsWith(`${c.route}?`))
}

function headerValues(req: IncomingMessage): string[] {
  return req.rawHeaders.filter((_, i) => i % 2 === 1)
}

export async function forwardRequest(ctx: RequestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now()
  req.on('error', () => res.destroy())
  res.on('error', () => {})
  // A credential route: `/_wrapix/<api>/…`, sent to the relay directly (origin form) or through the
  // proxy to its own loopback address (absolute form), for an API whose credential the host holds.
  const credentialRoute = routeOf(ctx.credentials, req.url ?? '')
  let url: URL
  try {
    url = new URL(req.url ?? '', credentialRoute ? 'http://wrapix.invalid' : undefined)
  } catch {
    return text(res, 400, 'this is a proxy; send absolute-URI requests or CONNECT')
  }
  if (url.protocol !== 'http:') return text(res, 400, `unsupported scheme ${url.protocol} (use CONNECT for https)`)
  const route = credentialRoute ? ctx.credentials.filter((c) => c.route === credentialRoute.route) : []
  const target = credentialRoute?.upstream ?? { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? 80 : Number(url.port), tls: false, basePath: '' }
  const path = credentialRoute ? `${target.basePath}${url.pathname.slice(credentialRoute.route.length) || '/'}${url.search}` : `${url.pathname}${url.search}`
  const carried = placeholderIn(ctx.credentials.filter((c) => !route.includes(c)), [req.url ?? '', ...headerValues(req)])
  const via = upstreamFor(ctx.upstream, target.tls ? 'https' : 'http', target.host, target.port, ctx.overrides)
  let dest = via ? decideByName(ctx.policy, target.host, target.port) : await resolveDestination(ctx.policy, target.host, target.port, ctx.overrides, ctx.lookup)
  if (carried && dest.decision.allowed) dest = denied(leakReason(carried, target.host, target.port))
  if (!dest.decision.allowed) {
    ctx.audit('http', target.host, target.port, started, dest, carried ? { credentialLeak: carried.name } : {})
    req.resume()
    return text(res, 403, dest.decision.reason)
  }

  const headers: OutgoingHttpHeaders = {}
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v
  // Host fronting: the upstream sees the authority that was checked, never the one the sandbox wrote.
  headers.host = target.port === (target.tls ? 443 : 80) ? target.host : `${target.host}:${target.port}`
  const injected: string[] = []
  for (const c of route) {
    if (headers[c.header] === headerValue(c.scheme, c.placeholder)) {
      headers[c.header] = headerValue(c.scheme, c.value)
      injected.push(c.name)
    }
  }
  let bytesUp = 0
  let bytesDown = 0
  const address = via ? '' : (dest.addresses[0] ?? '')
  const extra = { ...(injected.length > 0 ? { credentials: injected } : {}), ...(via ? { via: via.display } : {}) }
  const options = { host: address, port: target.port, method: req.method, path, headers, timeout: ctx.connectTimeoutMs }
  const ca = ctx.ca ? { ca: [...ctx.ca] } : {}
  const upstream = !via
    ? target.tls
      ? httpsRequest({ ...options, agent: ctx.httpsAgent, servername: target.host, ...ca })
      : httpRequest({ ...options, agent: ctx.httpAgent })
    : target.tls
      // TLS from the host over a CONNECT tunnel: the certificate is still verified here, against the name.
      ? httpsRequest({
        ...options, host: target.host,
        createConnection: (_o, done) => void tunnelThrough(via, target.host, target.port, ctx.connectTimeoutMs).then(
          (socket) => done(null, tlsConnect({ socket, servername: target.host, ...ca })),
          (err: Error) => done(err, undefined as never), // node ignores the socket when there is an error
        ),
      })
      // Plain HTTP: the absolute URI goes to the upstream, which connects.
      : httpRequest({
        ...options, host: via.host, port: via.port, agent: ctx.httpAgent, path: `http://${String(headers.host)}${path}`,
        headers: { ...headers, ...(via.authorization ? { 'proxy-authorization': via.authorization } : {}) },
      })
  let logged = false
  const done = (error?: string): void => {
    if (logged) return
    logged = true
    ctx.audit('http', target.host, target.port, started, dest, { address, bytesUp, bytesDown, ...extra, ...(error ? { error } : {}) })
  }
  upstream.on('response', (up) => {
    up.on('error', () => res.destroy())
    upstream.setTimeout(ctx.idleTimeoutMs) // streamed answers (server-sent events) may pause between events
    const status = up.statusCode ?? 0
    // RFC 9112 §4: a three-digit code and a reason of visible characters; anything else is a bad gateway.
    if (status < 200 || status > 599 || !/^[\t\x20-\x7e\x80-\xff]*$/.test(up.statusMessage ?? '')) {
      upstream.destroy()
      text(res, 502, `the upstream answered a malformed status line (${status})`)
      return done(`malformed upstream status line (${status})`)
    }
    const out: OutgoingHttpHeaders = {}
    for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v
    try {
      // The reason phrase is the upstream's free text: only the standard one for the code goes back.
      res.writeHead(status, STATUS_CODES[status] ?? 'Unknown', out)
    } catch (err) {
      upstream.destroy()
      text(res, 502, 'the upstream answered a malformed header')
      return done(`malformed upstream header: ${(err as Error).message}`)
    }
    up.on('data', (c: Buffer) => (bytesDown += c.length))
    up.pipe(res)
    res.on('close', () => done(up.complete ? undefined : 'response cut short'))
  })
  upstream.on('timeout', () => upstream.destroy(new Error(`no answer from ${target.host}:${target.port}`)))
  upstream.on('error', (err) => {
    text(res, 502, err.message)
    done(err.message)
  })
  req.on('data', (c: Buffer) => (bytesUp += c.length))
  req.pipe(upstream)
}
