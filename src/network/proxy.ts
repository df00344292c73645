// The filtering HTTP/CONNECT proxy on a unix socket: every request is decided, resolved, checked and audited.
import { Agent, createServer, request as httpRequest } from 'node:http'
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { chmod, rm } from 'node:fs/promises'
import { WrapixError } from '../errors.js'
import { AuditLog } from './audit-log.js'
import type { AuditCounts, AuditEvent } from './audit-log.js'
import type { Policy } from './policy.js'
import { resolveDestination, systemLookup } from './resolve-destination.js'
import type { Destination, Lookup } from './resolve-destination.js'

export interface ProxyOptions {
  readonly socketPath: string
  readonly policy: Policy
  readonly auditPath: string
  /** Masks secrets in audit lines (see AuditLog). */
  readonly redact?: (text: string) => string
  readonly resolve?: Readonly<Record<string, string>>
  readonly lookup?: Lookup
  readonly connectTimeoutMs?: number
}

export interface RunningProxy {
  readonly socketPath: string
  counts(): AuditCounts
  /** Settles when the proxy stops serving for any reason other than close(). */
  readonly stopped: Promise<string>
  close(): Promise<void>
}

// Headers about the hop to the proxy, never forwarded (RFC 9110 §7.6.1 plus the proxy-only ones).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade'])

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
  const upstreamAgent = new Agent({ keepAlive: true, maxFreeSockets: 16 })
  const clients = new Set<Socket>()
  let closing = false

  const event = (kind: AuditEvent['kind'], host: string, port: number, started: number, dest: Destination, extra: Partial<AuditEvent> = {}): AuditEvent => ({
    time: new Date(started).toISOString(), kind, host, port,
    address: dest.addresses[0] ?? null,
    decision: dest.decision.allowed ? 'allow' : 'deny',
    rule: dest.decision.rule?.text ?? null, source: dest.decision.rule?.source ?? null,
    reason: dest.decision.reason, allowArg: dest.decision.allowArg,
    bytesUp: 0, bytesDown: 0, durationMs: Date.now() - started, ...extra,
  })

  async function onConnect(req: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    const started = Date.now()
    client.on('error', () => {}) // a client that vanished mid-request is not the proxy's problem
    const target = splitAuthority(req.url ?? '')
    if (!target) return void client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    const dest = await resolveDestination(opts.policy, target.host, target.port, overrides, lookupFn)
    if (!dest.decision.allowed) {
      audit.record(event('connect', target.host, target.port, started, dest))
      return void client.end(forbidden(dest.decision.reason))
    }
    let upstream: Socket
    try {
      upstream = await connectFirst(dest.addresses, target.port, timeoutMs)
    } catch (err) {
      audit.record(event('connect', target.host, target.port, started, dest, { error: (err as Error).message }))
      return void client.end(`HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    const address = upstream.remoteAddress ?? dest.addresses[0] ?? null
    client.setNoDelay(true)
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    if (head.length > 0) upstream.write(head)
    // Plain piping: the bytes are counted by the sockets themselves, no work per chunk.
    client.pipe(upstream).pipe(client)
    // Ends travel through the pipes (half-close works, as ssh needs); an error on one side kills both.
    // Destroying on 'close' instead would drop bytes still queued for the other side.
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
    let open = 2
    const closed = (): void => {
      if (--open > 0) return
      audit.record(event('connect', target.host, target.port, started, dest, { address, bytesUp: upstream.bytesWritten, bytesDown: upstream.bytesRead }))
    }
    upstream.once('close', closed)
    client.once('close', closed)
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now()
    let url: URL
    try {
      url = new URL(req.url ?? '')
    } catch {
      return void res.writeHead(400, { 'content-type': 'text/plain' }).end('wrapix: this is a proxy; send absolute-URI requests or CONNECT\n')
    }
    if (url.protocol !== 'http:') return void res.writeHead(400, { 'content-type': 'text/plain' }).end(`wrapix: unsupported scheme ${url.protocol} (use CONNECT for https)\n`)
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
    const port = url.port === '' ? 80 : Number(url.port)
    const dest = await resolveDestination(opts.policy, host, port, overrides, lookupFn)
    if (!dest.decision.allowed) {
      audit.record(event('http', host, port, started, dest))
      req.resume()
      return void res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`wrapix: ${dest.decision.reason}\n`)
    }
    const headers: OutgoingHttpHeaders = {}
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v
    let bytesUp = 0
    let bytesDown = 0
    const address = dest.addresses[0] ?? ''
    const upstream = httpRequest({ host: address, port, method: req.method, path: `${url.pathname}${url.search}`, headers, agent: upstreamAgent, timeout: timeoutMs })
    const done = (error?: string): void => audit.record(event('http', host, port, started, dest, { address, bytesUp, bytesDown, ...(error ? { error } : {}) }))
    upstream.on('response', (up) => {
      const out: OutgoingHttpHeaders = {}
      for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v
      res.writeHead(up.statusCode ?? 502, up.statusMessage, out)
      up.on('data', (c: Buffer) => (bytesDown += c.length))
      up.pipe(res)
      res.on('close', () => done(up.complete ? undefined : 'response cut short'))
    })
    upstream.on('timeout', () => upstream.destroy(new Error(`no answer from ${address}:${port}`)))
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' }).end(`wrapix: ${err.message}\n`)
      else res.destroy()
      done(err.message)
    })
    req.on('data', (c: Buffer) => (bytesUp += c.length))
    req.pipe(upstream)
  }

  const server: Server = createServer({ keepAliveTimeout: 30_000 })
  server.on('connection', (s: Socket) => (clients.add(s), s.on('close', () => clients.delete(s))))
  server.on('connect', (req, sock, head) => void onConnect(req, sock as Socket, head).catch(() => (sock as Socket).destroy()))
  server.on('request', (req, res) => void onRequest(req, res).catch(() => res.destroy()))
  server.on('clientError', (_err, sock) => sock.destroy())

  await rm(opts.socketPath, { force: true })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new WrapixError('host', `the network proxy could not listen on ${opts.socketPath}: ${err.message}`, 'check that the runtime directory is writable')))
    server.listen(opts.socketPath, () => resolve())
  })
  await chmod(opts.socketPath, 0o600) // only the session's own relay (same user) connects, through its mounted directory

  const stopped = new Promise<string>((resolve) => {
    server.on('close', () => !closing && resolve('the network proxy stopped'))
    server.on('error', (err) => resolve(`the network proxy failed: ${err.message}`))
  })
  return {
    socketPath: opts.socketPath,
    counts: () => audit.counts(),
    stopped,
    async close() {
      closing = true
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const s of clients) s.destroy() // tunnels too: close() alone would wait for them to end
      server.closeAllConnections()
      await closed
      upstreamAgent.destroy()
      await audit.close()
      await rm(opts.socketPath, { force: true })
    },
  }
}
