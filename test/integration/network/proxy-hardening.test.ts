// The proxy under attack from the sandbox and from upstreams (no podman): Host fronting, malformed
// status lines, a seeded fuzz of requests and responses, connection caps, idle tunnels, audit lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { connect, createServer as createTcpServer } from 'node:net'
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { effectivePolicy } from '../../../src/network/effective-policy.js'
import { startProxy } from '../../../src/network/proxy.js'
import type { RunningProxy } from '../../../src/network/proxy.js'
import { AuditLog } from '../../../src/network/audit-log.js'
import type { AuditEvent } from '../../../src/network/audit-log.js'
import { createRedactor } from '../../../src/session/redact.js'

let dir: string
let origin: Server // echoes the Host header it received
let raw: TcpServer // answers whatever the request path asks for, byte for byte
let originPort: number
let rawPort: number
let proxy: RunningProxy
const MAX_CONNECTIONS = 8
const IDLE_MS = 300

// Each raw response is picked by the request path: /r/<index>.
const BAD_RESPONSES = [
  'HTTP/1.1 200 O\x01K\r\nContent-Length: 2\r\n\r\nok',
  'HTTP/1.1 000 Zero\r\nContent-Length: 2\r\n\r\nok',
  'HTTP/1.1 099 Low\r\nContent-Length: 2\r\n\r\nok',
  'HTTP/1.1 999 High\r\nContent-Length: 2\r\n\r\nok',
  'HTTP/1.1 600 Six\r\nContent-Length: 2\r\n\r\nok',
  'HTTP/1.1 200 OK\r\nX-Bad: a\x7fb\r\nContent-Length: 2\r\n\r\nok',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok',
  'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok',
  'garbage\r\n\r\n',
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n',
  'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 O\x02K\r\nContent-Length: 0\r\n\r\n',
  '',
]

/** A seeded generator: the fuzz is the same every run, and a failure names its case. */
function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

function fuzzResponse(rand: () => number): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
  const junk = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(Math.floor(rand() * 256))).join('')
  const status = pick(['000', '099', '100', '200', '204', '304', '599', '600', '20', '2000', 'abc', junk(3)])
  const reason = pick(['OK', 'O\x01K', junk(5), '', 'a\r\nb'])
  const headers = pick(['Content-Length: 2\r\n', 'Content-Length: -1\r\n', 'Transfer-Encoding: chunked\r\n', `X: ${junk(8)}\r\n`, `${junk(4)}: v\r\n`, ''])
  return `${pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTPT/1.1', junk(4)])} ${status} ${reason}\r\n${headers}\r\n${pick(['ok', '5\r\nhello\r\n0\r\n\r\n', junk(20), ''])}`
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wrapix-proxy-hard-'))
  origin = createServer((req, res) => res.end(`host=${req.headers.host}`))
  origin.listen(0, '127.0.0.2')
  await once(origin, 'listening')
  originPort = (origin.address() as AddressInfo).port
  const fuzzRand = prng(7)
  const fuzzed = Array.from({ length: 200 }, () => fuzzResponse(fuzzRand))
  raw = createTcpServer((s) => {
    s.on('error', () => {})
    let got = ''
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1')
      const m = /^\S+ \/(r|f)\/(\d+)/.exec(got)
      if (!m || !got.includes('\r\n\r\n')) return
      const list = m[1] === 'r' ? BAD_RESPONSES : fuzzed
      s.end(Buffer.from(list[Number(m[2])] ?? '', 'latin1'))
    })
  })
  raw.listen(0, '127.0.0.2')
  await once(raw, 'listening')
  rawPort = (raw.address() as AddressInfo).port
  const { policy } = effectivePolicy({
    profileName: 'base', profile: null, user: null, project: null,
    allow: [`allowed.test:${originPort}`, `raw.test:${rawPort}`, '127.0.0.2'], deny: [], mode: 'limit',
  })
  proxy = await startProxy({
    socketPath: join(dir, 'p.sock'), policy, auditPath: join(dir, 'audit.jsonl'),
    resolve: { 'allowed.test': '127.0.0.2', 'raw.test': '127.0.0.2' }, lookup: async () => [],
    redact: createRedactor([]), maxConnections: MAX_CONNECTIONS, idleTimeoutMs: IDLE_MS, connectTimeoutMs: 1000,
  })
})
afterAll(async () => {
  await proxy.close()
  origin.closeAllConnections()
  origin.close()
  raw.close()
  await rm(dir, { recursive: true, force: true })
})

/** Sends raw bytes and returns everything the proxy answers until it closes (or `limitMs` passes). */
async function exchange(bytes: string | Buffer, limitMs = 3000): Promise<string> {
  const s = connect(join(dir, 'p.sock'))
  s.on('error', () => {})
  await once(s, 'connect')
  s.write(bytes)
  let got = ''
  s.on('data', (c: Buffer) => (got += c.toString('latin1')))
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => (s.destroy(), resolve()), limitMs)
    s.on('close', () => (clearTimeout(timer), resolve()))
  })
  return got
}

const auditLines = async (): Promise<AuditEvent[]> => {
  await new Promise((r) => setTimeout(r, 50))
  return (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as AuditEvent)
}

/** The proxy still serves: one ordinary request gets the origin's answer. */
async function stillServes(): Promise<void> {
  const got = await exchange(`GET http://allowed.test:${originPort}/ HTTP/1.1\r\nHost: allowed.test:${originPort}\r\nConnection: close\r\n\r\n`)
  expect(got).toContain(`host=allowed.test:${originPort}`)
}

describe('the proxy under attack', () => {
  it('sends the checked authority as Host, never the one the sandbox wrote (Host fronting)', async () => {
    const got = await exchange(`GET http://allowed.test:${originPort}/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`)
    expect(got).toMatch(/^HTTP\/1.1 200/)
    expect(got).toContain(`host=allowed.test:${originPort}`)
    expect(got).not.toContain('evil.example')
  })

  it('answers 502 to malformed upstream status lines and headers, for that request only', async () => {
    for (const [i, response] of BAD_RESPONSES.entries()) {
      const got = await exchange(`GET http://raw.test:${rawPort}/r/${i} HTTP/1.1\r\nHost: raw.test:${rawPort}\r\nConnection: close\r\n\r\n`)
      // Either a clean 502, or (for what the parser accepts) a well-formed answer: never a crash.
      expect(got, JSON.stringify(response)).toMatch(/^(HTTP\/1.1 (502|200|304|204) |$)/)
      if (/^HTTP\/1.1 (000|099|999|600)|O\x01K|O\x02K|^garbage/.test(response)) expect(got, JSON.stringify(response)).toMatch(/^HTTP\/1.1 502 /)
    }
    await stillServes()
  })

  it('survives a seeded fuzz of malformed requests and upstream responses', async () => {
    const rand = prng(42)
    const junk = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(Math.floor(rand() * 256))).join('')
    const requests = [
      ...Array.from({ length: 200 }, (_, i) => `GET http://raw.test:${rawPort}/f/${i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      ...Array.from({ length: 100 }, () => junk(Math.floor(rand() * 200))),
      ...Array.from({ length: 100 }, () => `${['GET', 'CONNECT', 'POST', junk(3)][Math.floor(rand() * 4)]} ${[`http://allowed.test:${originPort}/`, `allowed.test:${originPort}`, 'http://[::1', `http://${junk(6)}/`, `${junk(10)}:443`, 'x-api-key=AAAAAAAA\\abc:443', '*'][Math.floor(rand() * 7)]} HTTP/1.1\r\n${[`Host: ${junk(5)}`, 'Content-Length: -5', 'Transfer-Encoding: chunked', `${junk(6)}: y`, 'Expect: 100-continue'][Math.floor(rand() * 5)]}\r\n\r\n${junk(10)}`),
    ]
    const started = Date.now()
    // Ten at a time, each bounded: the fuzz has a fixed size and a time limit.
    for (let i = 0; i < requests.length; i += MAX_CONNECTIONS - 2) {
      await Promise.all(requests.slice(i, i + MAX_CONNECTIONS - 2).map((r) => exchange(Buffer.from(r, 'latin1'), 2000)))
    }
    expect(Date.now() - started).toBeLessThan(60_000)
    await stillServes()
  }, 90_000)

  it('caps concurrent connections per session and counts the refusals', async () => {
    const sockets: Socket[] = []
    for (let i = 0; i < MAX_CONNECTIONS + 4; i++) {
      const s = connect(join(dir, 'p.sock'))
      s.on('error', () => {})
      await once(s, 'connect')
      sockets.push(s)
    }
    await new Promise((r) => setTimeout(r, 100))
    const closed = sockets.filter((s) => s.destroyed || s.readableEnded).length
    expect(closed).toBeGreaterThanOrEqual(4)
    expect(proxy.counts().connections).toMatchObject({ peak: MAX_CONNECTIONS, refused: expect.any(Number) })
    expect(proxy.counts().connections.refused).toBeGreaterThanOrEqual(4)
    for (const s of sockets) s.destroy()
    await new Promise((r) => setTimeout(r, 100))
    await stillServes()
  })

  it('closes an idle CONNECT tunnel after the idle timeout and audits why', async () => {
    const s = connect(join(dir, 'p.sock'))
    s.on('error', () => {})
    await once(s, 'connect')
    s.write(`CONNECT allowed.test:${originPort} HTTP/1.1\r\n\r\n`)
    await once(s, 'data')
    const t0 = Date.now()
    await once(s, 'close')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(IDLE_MS - 50)
    expect(Date.now() - t0).toBeLessThan(IDLE_MS * 10)
    const line = (await auditLines()).filter((e) => e.kind === 'connect' && e.host === 'allowed.test').at(-1)
    expect(line).toMatchObject({ decision: 'allow', error: 'idle timeout' })
    expect(proxy.counts().connections.idleClosed).toBeGreaterThanOrEqual(1)
  })

  it('writes every decision even when masking a value would cut a JSON escape', async () => {
    // Node's parser refuses a backslash in a request target, so the log is fed directly: any string a
    // decision carries (a host, a resolver's error) must survive masking.
    const path = join(dir, 'direct.jsonl')
    const log = new AuditLog(path, createRedactor([]))
    const base = { time: new Date().toISOString(), kind: 'connect' as const, port: 443, address: null, decision: 'deny' as const, rule: null, source: null, allowArg: null, bytesUp: 0, bytesDown: 0, durationMs: 0 }
    log.record({ ...base, host: 'x-api-key=AAAAAAAA\\abc', reason: 'x-api-key=AAAAAAAA\\abc:443 is not in the allowlist' })
    log.record({ ...base, host: 'q', reason: 'x-api-key: "BBBBBBBBBB"\n', error: 'authorization: Bearer CCCCCCCCCCCCCCCC\\' })
    await log.close()
    const lines = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as AuditEvent)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({ decision: 'deny', port: 443 })
    expect(JSON.stringify(lines)).not.toMatch(/AAAAAAAA|BBBBBBBB|CCCCCCCC/)
    expect(log.counts().denied).toBe(2)
  })
})
