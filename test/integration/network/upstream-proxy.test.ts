// The host's own upstream proxy (no podman): allowed destinations go through it with CONNECT (and its Basic
// credentials), denied ones never reach it, NO_PROXY hosts go direct, and its password is never written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { effectivePolicy } from '../../../src/network/effective-policy.js'
import { startProxy } from '../../../src/network/proxy.js'
import { startSessionNetwork } from '../../../src/network/session-network.js'
import type { RunningProxy } from '../../../src/network/proxy.js'
import type { AuditEvent } from '../../../src/network/audit-log.js'
import { chooseUpstreamProxies } from '../../../src/network/upstream-proxy.js'
import { createRedactor } from '../../../src/session/redact.js'
import { startUpstreamProxy, type TestUpstreamProxy } from '../../helpers/upstream-proxy.js'
import { makeTestCa, type TestCa } from '../../helpers/test-ca.js'

const PASSWORD = 'Corp-Proxy-Pa55word'
const BASIC = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`
const KEY = 'sk-ant-api03-upstreamKey000000000000000000000-Ab1C'
const KEY_PH = 'wrapix-placeholder-anthropic-api-key-5e55'

let dir: string
let ca: TestCa
let origin: Server
let api: Server
let port: number
let apiPort: number
let corp: TestUpstreamProxy
let proxy: RunningProxy
let badAuth: RunningProxy
const lookups: string[] = []
let route: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wrapix-upstream-'))
  ca = await makeTestCa(['api.anthropic.com'])
  origin = createServer((req, res) => res.end(`${req.method} ${req.url} ${req.headers.host}`))
  api = createTlsServer({ key: ca.key, cert: ca.cert }, (req, res) => res.end(`api ${req.url} ${req.headers['x-api-key']}`))
  origin.listen(0, '127.0.0.2')
  api.listen(0, '127.0.0.2')
  await Promise.all([once(origin, 'listening'), once(api, 'listening')])
  port = (origin.address() as AddressInfo).port
  apiPort = (api.address() as AddressInfo).port
  route = `/_wrapix/api.anthropic.com-${apiPort}`
  // The upstream resolves the names; wrapix itself only knows direct.test (for the NO_PROXY path).
  corp = await startUpstreamProxy({ resolve: { 'api.test': '127.0.0.2', 'api.anthropic.com': '127.0.0.2' }, user: 'alice', password: PASSWORD })
  const { policy } = effectivePolicy({
    profileName: 'base', profile: null, user: null, project: null, deny: [], mode: 'limit',
    allow: [`api.test:${port}`, `direct.test:${port}`, `api.anthropic.com:${apiPort}`, '127.0.0.2'], // the direct path still checks the address
  })
  const upstream = chooseUpstreamProxies({ HTTPS_PROXY: `http://alice:${PASSWORD}@127.0.0.1:${corp.port}`, HTTP_PROXY: `http://alice:${PASSWORD}@127.0.0.1:${corp.port}`, NO_PROXY: 'localhost,.direct.test' }, undefined)
  const credentials = [{ name: 'ANTHROPIC_API_KEY', header: 'x-api-key', scheme: 'raw' as const, placeholder: KEY_PH, value: KEY, route, upstream: { host: 'api.anthropic.com', port: apiPort, tls: true, basePath: '' } }]
  proxy = await startProxy({
    socketPath: join(dir, 'p.sock'), auditPath: join(dir, 'audit.jsonl'), policy, credentials, ca: [ca.ca],
    resolve: { 'direct.test': '127.0.0.2' }, lookup: async (host) => (lookups.push(host), []),
    redact: createRedactor([KEY, ...(upstream.https?.secrets ?? [])]), upstream,
  })
  const wrong = chooseUpstreamProxies({}, `http://alice:not-the-password@127.0.0.1:${corp.port}`)
  badAuth = await startProxy({ socketPath: join(dir, 'b.sock'), auditPath: join(dir, 'bad.jsonl'), policy, resolve: {}, lookup: async () => [], redact: createRedactor(wrong.https?.secrets), upstream: wrong })
})
afterAll(async () => {
  await proxy?.close()
  await badAuth?.close()
  await corp?.close()
  for (const s of [origin, api]) (s?.closeAllConnections(), s?.close())
  await rm(dir, { recursive: true, force: true })
  await ca?.cleanup()
})

async function exchange(request: string, sock = 'p.sock'): Promise<string> {
  const s = connect(join(dir, sock))
  s.on('error', () => {})
  await once(s, 'connect')
  s.write(request)
  let got = ''
  s.on('data', (c: Buffer) => (got += c.toString()))
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => (s.destroy(), resolve()), 3000)
    s.on('close', () => (clearTimeout(timer), resolve()))
  })
  return got
}

const audit = async (file = 'audit.jsonl'): Promise<{ text: string; events: AuditEvent[] }> => {
  await new Promise((r) => setTimeout(r, 50))
  const text = await readFile(join(dir, file), 'utf8')
  return { text, events: text.trim().split('\n').map((l) => JSON.parse(l) as AuditEvent) }
}

describe('through the host upstream proxy', () => {
  it('tunnels an allowed CONNECT through the upstream, with its credentials, without resolving the name', async () => {
    const got = await exchange(`CONNECT api.test:${port} HTTP/1.1\r\n\r\nGET /t HTTP/1.1\r\nHost: api.test\r\nConnection: close\r\n\r\n`)
    expect(got).toMatch(/^HTTP\/1.1 200 Connection Established\r\n\r\nHTTP\/1.1 200 OK[\s\S]*GET \/t api.test$/)
    expect(corp.seen).toContainEqual({ method: 'CONNECT', target: `api.test:${port}`, auth: BASIC })
    expect(lookups).not.toContain('api.test')
    const line = (await audit()).events.find((e) => e.kind === 'connect' && e.host === 'api.test')!
    expect(line).toMatchObject({ decision: 'allow', via: `http://alice:••••@127.0.0.1:${corp.port}` })
  })

  it('forwards plain HTTP to the upstream as an absolute URI with its credentials', async () => {
    const got = await exchange(`GET http://api.test:${port}/plain HTTP/1.1\r\nHost: api.test:${port}\r\nConnection: close\r\n\r\n`)
    expect(got).toMatch(/^HTTP\/1.1 200[\s\S]*GET \/plain api.test:\d+$/)
    expect(corp.seen).toContainEqual({ method: 'GET', target: `http://api.test:${port}/plain`, auth: BASIC })
  })

  it('does TLS to a credential upstream over a CONNECT tunnel, the certificate verified on the host', async () => {
    const got = await exchange(`GET ${route}/v1/models HTTP/1.1\r\nHost: 127.0.0.1:3128\r\nx-api-key: ${KEY_PH}\r\nConnection: close\r\n\r\n`)
    expect(got).toMatch(/^HTTP\/1.1 200[\s\S]*api \/v1\/models sk-ant-api03-upstreamKey/)
    expect(corp.seen).toContainEqual({ method: 'CONNECT', target: `api.anthropic.com:${apiPort}`, auth: BASIC })
  })

  it('decides first: a denied host never reaches the upstream', async () => {
    const before = corp.seen.length
    const got = await exchange(`CONNECT evil.test:443 HTTP/1.1\r\n\r\n`)
    const plain = await exchange(`GET http://evil.test/x HTTP/1.1\r\nHost: evil.test\r\n\r\n`)
    const local = await exchange(`CONNECT localhost:${port} HTTP/1.1\r\n\r\n`)
    for (const answer of [got, plain, local]) expect(answer).toMatch(/^HTTP\/1.1 403/)
    expect(corp.seen.slice(before)).toEqual([])
  })

  it('sends NO_PROXY hosts directly, resolved and checked by wrapix', async () => {
    const before = corp.seen.length
    const got = await exchange(`CONNECT direct.test:${port} HTTP/1.1\r\n\r\nGET /d HTTP/1.1\r\nHost: direct.test\r\nConnection: close\r\n\r\n`)
    expect(got).toContain('GET /d direct.test')
    expect(corp.seen.slice(before)).toEqual([])
    const line = (await audit()).events.find((e) => e.host === 'direct.test')!
    expect(line).toMatchObject({ decision: 'allow', address: '127.0.0.2' })
    expect(line.via).toBeUndefined()
  })

  it('answers 502 when the upstream refuses, and never writes the proxy password or its encoded form', async () => {
    const got = await exchange(`CONNECT api.test:${port} HTTP/1.1\r\n\r\n`, 'b.sock')
    expect(got).toMatch(/^HTTP\/1.1 502/)
    const bad = await audit('bad.jsonl')
    expect(bad.events.at(-1)).toMatchObject({ decision: 'allow', error: expect.stringContaining('refused (407)') })
    expect(bad.text).not.toContain('not-the-password')
    const good = (await audit()).text
    expect(good).not.toContain(PASSWORD)
    expect(good).not.toContain(BASIC.slice(6))
  })

  it("names the upstream, masked, in the session's network summary", async () => {
    const { policy } = effectivePolicy({ profileName: 'base', profile: null, user: null, project: null, allow: [], deny: [], mode: 'limit' })
    const upstream = chooseUpstreamProxies({}, `http://alice:${PASSWORD}@127.0.0.1:${corp.port}`)
    const net = await startSessionNetwork({ sessionId: 's1', policy, auditPath: join(dir, 's.jsonl'), resolve: {}, socketDir: join(dir, 'sess'), upstream })
    const summary = await net.close()
    expect(summary.upstreamProxy).toBe(`http://alice:••••@127.0.0.1:${corp.port}`)
  })
})
