// The filtering HTTP/CONNECT proxy on a unix socket: every request is decided, resolved, checked and audited.
// It runs inside the launcher, so nothing from the sandbox or an upstream may throw out of it.
import { Agent, createServer } from 'node:http'
import type { Server } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { chmod, rm } from 'node:fs/promises'
import { WrapixError } from '../errors.js'
import { AuditLog } from './audit-log.js'
import type { AuditCounts, AuditEvent } from './audit-log.js'
import type { InjectedCredential } from './credentials.js'
import type { Policy } from './policy.js'
import { forwardRequest, leakReason, placeholderIn } from './proxy-request.js'
import type { RequestContext } from './proxy-request.js'
import { decideByName, resolveDestination, systemLookup } from './resolve-destination.js'
import type { Destination, Lookup } from './resolve-destination.js'
import { tunnelThrough, upstreamFor } from './upstream-proxy.js'
import type { UpstreamProxies } from './upstream-proxy.js'

/** Concurrent connections one session may hold open through the proxy (and host relay processes). */
export const MAX_CONNECTIONS_PER_SESSION = 256
/** A tunnel or streamed answer with no bytes either way for this long is closed. */
export const IDLE_TIMEOUT_MS = 10 * 60_000

export interface ProxyOptions {
  readonly socketPath: string
  /** The socket's mode; 0600 unless the sandbox side connects as another user (see SessionNetworkOptions). */
  readonly socketMode?: number
  readonly policy: Policy
  readonly auditPath: string
  /** Masks secrets in audit lines (see AuditLog). */
  readonly redact?: (text: string) => string
  readonly resolve?: Readonly<Record<string, string>>
  readonly lookup?: Lookup
  readonly connectTimeoutMs?: number
  readonly maxConnections?: number
  readonly idleTimeoutMs?: number
  /** Credentials the proxy adds on their own API's route (see credentials.ts). */
  readonly credentials?: readonly InjectedCredential[]
  /** Extra CAs trusted for TLS to credential upstreams, on top of the system store. */
  readonly ca?: readonly string[]
  /** The host's own upstream proxy: allowed destinations (not NO_PROXY ones) are reached through it. */
  readonly upstream?: UpstreamProxies
}

export interface ConnectionCounts {
  readonly total: number
  readonly peak: number
  /** Connections closed at once because the session already held the maximum. */
  readonly refused: number
  /** Tunnels closed after the idle timeout. */
  readonly idleClosed: number
}

export interface ProxyCounts extends AuditCounts {
  readonly connections: ConnectionCounts
}

export interface RunningProxy {
  readonly socketPath: string
  counts(): ProxyCounts
  /** Settles when the proxy stops serving for any reason other than close(). */
  readonly stopped: Promise<string>
  close(): Promise<void>
}

/** Splits "host:port" / "[v6]:port" from a CONNECT line. */
function splitAuthority(authority: string): { host: string; port: number } | null {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(authority)
  if (!m) return null
  const port = Number(m[2])
  return port >= 1 && port <= 65535 ? { host: (m[1] ?? '').replace(/^\[(.*)\]$/, '$1'), port } : null
}

function forbidden(reason: string): string {
  const body = `wrapix: ${reason}\n`
  return `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
}

function connectFirst(addresses: readonly string[], port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const attempt = (i: number, lastError: Error | null): void => {
      const address = addresses[i]
      if (address === undefined) return reject(lastError ?? new Error('no address'))
      const sock = connect({ host: address, port, noDelay: true, allowHalfOpen: true })
      const timer = setTimeout(() => sock.destroy(new Error(`connect to ${address}:${port} timed out`)), timeoutMs)
      sock.once('connect', () => (clearTimeout(timer), sock.removeAllListeners('error'), resolve(sock)))
      sock.once('error', (err) => (clearTimeout(timer), attempt(i + 1, err)))
    }
    attempt(0, null)
  })
}

export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  const audit = new AuditLog(opts.auditPath, opts.redact)
  const lookupFn = opts.lookup ?? systemLookup
  const overrides = opts.resolve ?? {}
  const timeoutMs = opts.connectTimeoutMs ?? 10_000
  const idleMs = opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS
  const maxConnections = opts.maxConnections ?? MAX_CONNECTIONS_PER_SESSION
  const credentials = opts.credentials ?? []
  const httpAgent = new Agent({ keepAlive: true, maxFreeSockets: 16 })
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxFreeSockets: 16 })
  const clients = new Set<Socket>()
  const conn = { total: 0, peak: 0, refused: 0, idleClosed: 0 }
  let closing = false

  const auditEvent = (kind: AuditEvent['kind'], host: string, port: number, started: number, dest: Destination, extra: Partial<AuditEvent> = {}): void =>
    audit.record({
      time: new Date(started).toISOString(), kind, host, port,
      address: dest.addresses[0] ?? null,
      decision: dest.decision.allowed ? 'allow' : 'deny',
      rule: dest.decision.rule?.text ?? null, source: dest.decision.rule?.source ?? null,
      reason: dest.decision.reason, allowArg: dest.decision.allowArg,
      bytesUp: 0, bytesDown: 0, durationMs: Date.now() - started, ...extra,
    })

  async function onConnect(authority: string, client: Socket, head: Buffer): Promise<void> {
    const started = Date.now()
    const target = splitAuthority(authority)
    if (!target) return void client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    // Through an upstream, the upstream resolves the name: wrapix decides by name and never looks it up.
    const via = upstreamFor(opts.upstream, 'https', target.host, target.port, overrides)
    let dest = via ? decideByName(opts.policy, target.host, target.port) : await resolveDestination(opts.policy, target.host, target.port, overrides, lookupFn)
    const carried = placeholderIn(credentials, [authority])
    if (carried) dest = { decision: { allowed: false, rule: null, reason: leakReason(carried, target.host, target.port), allowArg: null }, addresses: [] }
    if (!dest.decision.allowed) {
      auditEvent('connect', target.host, target.port, started, dest, carried ? { credentialLeak: carried.name } : {})
      return void client.end(forbidden(dest.decision.reason))
    }
    let upstream: Socket
    try {
      upstream = via ? await tunnelThrough(via, target.host, target.port, timeoutMs) : await connectFirst(dest.addresses, target.port, timeoutMs)
    } catch (err) {
      auditEvent('connect', target.host, target.port, started, dest, { error: (err as Error).message, ...(via ? { via: via.display } : {}) })
      return void client.end(`HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    const address = via ? null : (upstream.remoteAddress ?? dest.addresses[0] ?? null)
    client.setNoDelay(true)
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    if (head.length > 0) upstream.write(head)
    // Plain piping: the bytes are counted by the sockets themselves, no work per chunk.
    client.pipe(upstream).pipe(client)
    // Ends travel through the pipes (half-close works, as ssh needs); an error on one side kills both.
    // Destroying on 'close' instead would drop bytes still queued for the other side.
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
    // A tunnel idle both ways for idleMs is closed: nothing may hold host resources forever.
    let idle = false
    for (const side of [client, upstream]) {
      side.setTimeout(idleMs, () => {
        idle = true
        conn.idleClosed++
        client.destroy()
        upstream.destroy()
      })
    }
    let open = 2
    const closed = (): void => {
      if (--open > 0) return
      auditEvent('connect', target.host, target.port, started, dest, { address, ...(via ? { via: via.display } : {}), bytesUp: upstream.bytesWritten, bytesDown: upstream.bytesRead, ...(idle ? { error: 'idle timeout' } : {}) })
    }
    upstream.once('close', closed)
    client.once('close', closed)
  }

  const ctx: RequestContext = {
    policy: opts.policy, overrides, lookup: lookupFn, connectTimeoutMs: timeoutMs, idleTimeoutMs: idleMs,
    httpAgent, httpsAgent, credentials, audit: auditEvent, ...(opts.ca ? { ca: opts.ca } : {}),
    ...(opts.upstream ? { upstream: opts.upstream } : {}),
  }
  const server: Server = createServer({ keepAliveTimeout: 30_000, headersTimeout: 30_000, requestTimeout: 0 })
  server.maxConnections = maxConnections
  server.on('drop', () => conn.refused++)
  server.on('connection', (s: Socket) => {
    clients.add(s)
    conn.total++
    conn.peak = Math.max(conn.peak, clients.size)
    s.on('close', () => clients.delete(s))
  })
  server.on('connect', (req, sock: Socket, head: Buffer) => {
    sock.on('error', () => {}) // a client that vanished mid-request is not the proxy's problem
    void onConnect(req.url ?? '', sock, head).catch(() => sock.destroy())
  })
  server.on('request', (req, res) => void forwardRequest(ctx, req, res).catch(() => res.destroy()))
  server.on('clientError', (_err, sock) => sock.destroy())

  await rm(opts.socketPath, { force: true })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new WrapixError('host', `the network proxy could not listen on ${opts.socketPath}: ${err.message}`, 'check that the runtime directory is writable')))
    server.listen(opts.socketPath, () => resolve())
  })
  // Only the session's own relay (same user) connects, through its mounted directory.
  await chmod(opts.socketPath, opts.socketMode ?? 0o600)

  const stopped = new Promise<string>((resolve) => {
    server.on('close', () => !closing && resolve('the network proxy stopped'))
    server.on('error', (err) => resolve(`the network proxy failed: ${err.message}`))
  })
  return {
    socketPath: opts.socketPath,
    counts: () => ({ ...audit.counts(), connections: { ...conn } }),
    stopped,
    async close() {
      closing = true
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const s of clients) s.destroy() // tunnels too: close() alone would wait for them to end
      server.closeAllConnections()
      await closed
      httpAgent.destroy()
      httpsAgent.destroy()
      await audit.close()
      await rm(opts.socketPath, { force: true })
    },
  }
}
