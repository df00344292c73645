// Credential injection in the proxy (no podman): the placeholder becomes the real value only on the way to
// the credential's own API, over TLS verified on the host; anywhere else it is refused and audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer as createHttpServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { effectivePolicy } from '../../../src/network/effective-policy.js'
import { startProxy } from '../../../src/network/proxy.js'
import type { RunningProxy } from '../../../src/network/proxy.js'
import type { AuditEvent } from '../../../src/network/audit-log.js'
import type { InjectedCredential } from '../../../src/network/credentials.js'
import { createRedactor } from '../../../src/session/redact.js'
import { makeTestCa, type TestCa } from '../../helpers/test-ca.js'

const KEY = 'sk-ant-api03-proxyInjectKey00000000000000000-Wx1Y'
const TOKEN = 'sk-ant-oat01-proxyInjectToken000000000000000-Zz9Q'
const KEY_PH = 'wrapix-placeholder-anthropic-api-key-c0ffee'
const TOKEN_PH = 'wrapix-placeholder-claude-code-oauth-token-c0ffee'

let ca: TestCa
let dir: string
let api: Server
let other: Server
let apiPort: number
let otherPort: number
let proxy: RunningProxy
let untrusting: RunningProxy
let route: string
const seen: { url: string; headers: IncomingHttpHeaders }[] = []
const otherSeen: IncomingHttpHeaders[] = []
let releaseStream: () => void = () => {}

beforeAll(async () => {
  ca = await makeTestCa(['api.anthropic.com'])
  dir = await mkdtemp(join(tmpdir(), 'wrapix-cred-proxy-'))
  api = createTlsServer({ key: ca.key, cert: ca.cert }, (req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers })
    if (req.url === '/v1/stream') {
      // The last event is sent only after the client has read the first: a buffering proxy deadlocks here.
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('event: first\ndata: 1\n\n')
      new Promise<void>((r) => (releaseStream = r)).then(() => res.end('event: last\ndata: 2\n\n'))
      return
    }
    res.end('ok')
  })
  other = createHttpServer((req, res) => (otherSeen.push(req.headers), res.end('other')))
  api.listen(0, '127.0.0.2')
  other.listen(0, '127.0.0.2')
  await Promise.all([once(api, 'listening'), once(other, 'listening')])
  apiPort = (api.address() as AddressInfo).port
  otherPort = (other.address() as AddressInfo).port
  route = `/_wrapix/api.anthropic.com-${apiPort}`
  const upstream = { host: 'api.anthropic.com', port: apiPort, tls: true, basePath: '' }
  const credentials: InjectedCredential[] = [
    { name: 'ANTHROPIC_API_KEY', header: 'x-api-key', scheme: 'raw', placeholder: KEY_PH, value: KEY, route, upstream },
    { name: 'CLAUDE_CODE_OAUTH_TOKEN', header: 'authorization', scheme: 'bearer', placeholder: TOKEN_PH, value: TOKEN, route, upstream },
  ]
  const { policy } = effectivePolicy({ profileName: 'base', profile: null, user: null, project: null, allow: [`api.anthropic.com:${apiPort}`, `other.test:${otherPort}`, '127.0.0.2'], deny: [], mode: 'limit' })
  const common = { policy, resolve: { 'api.anthropic.com': '127.0.0.2', 'other.test': '127.0.0.2' }, lookup: async () => [], redact: createRedactor([KEY, TOKEN]), credentials }
  proxy = await startProxy({ ...common, socketPath: join(dir, 'p.sock'), auditPath: join(dir, 'audit.jsonl'), ca: [ca.ca] })
  untrusting = await startProxy({ ...common, socketPath: join(dir, 'u.sock'), auditPath: join(dir, 'u.jsonl') })
})
afterAll(async () => {
  await proxy?.close()
  await untrusting?.close()
  for (const s of [api, other]) (s.closeAllConnections(), s.close())
  await rm(dir, { recursive: true, force: true })
  await ca?.cleanup()
})

async function exchange(request: string, sock = 'p.sock', onFirstData?: (got: string) => void): Promise<string> {
  const s = connect(join(dir, sock))
  s.on('error', () => {})
  await once(s, 'connect')
  s.write(request)
  let got = ''
  let first = true
  s.on('data', (c: Buffer) => {
    got += c.toString()
    if (first && onFirstData) (first = false, onFirstData(got))
  })
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => (s.destroy(), resolve()), 5000)
    s.on('close', () => (clearTimeout(timer), resolve()))
  })
  return got
}

const audit = async (file = 'audit.jsonl'): Promise<AuditEvent[]> => {
  await new Promise((r) => setTimeout(r, 50))
  return (await readFile(join(dir, file), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as AuditEvent)
}

describe('credential routes', () => {
  it('swaps the API-key placeholder for the real key on the way to its API, over verified TLS', async () => {
    const got = await exchange(`POST ${route}/v1/messages?beta=true HTTP/1.1\r\nHost: 127.0.0.1:3128\r\nx-api-key: ${KEY_PH}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`)
    expect(got).toMatch(/^HTTP\/1.1 200/)
    const req = seen.at(-1)!
    expect(req.url).toBe('/v1/messages?beta=true')
    expect(req.headers['x-api-key']).toBe(KEY)
    expect(req.headers.host).toBe(`api.anthropic.com:${apiPort}`)
    const line = (await audit()).at(-1)!
    expect(line).toMatchObject({ kind: 'http', host: 'api.anthropic.com', port: apiPort, decision: 'allow', credentials: ['ANTHROPIC_API_KEY'] })
    expect(await readFile(join(dir, 'audit.jsonl'), 'utf8')).not.toContain(KEY)
  })

  it('swaps the OAuth placeholder in Authorization: Bearer, also in the absolute form', async () => {
    const got = await exchange(`GET http://127.0.0.1:3128${route}/v1/models HTTP/1.1\r\nHost: 127.0.0.1:3128\r\nAuthorization: Bearer ${TOKEN_PH}\r\nConnection: close\r\n\r\n`)
    expect(got).toMatch(/^HTTP\/1.1 200/)
    expect(seen.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`)
  })

  it('streams server-sent events through unbuffered', async () => {
    let firstSeen = ''
    const got = await exchange(`GET ${route}/v1/stream HTTP/1.1\r\nHost: x\r\nx-api-key: ${KEY_PH}\r\nConnection: close\r\n\r\n`, 'p.sock', (g) => {
      firstSeen = g
      releaseStream()
    })
    expect(firstSeen).toContain('event: first')
    expect(firstSeen).not.toContain('event: last')
    expect(got).toContain('event: last')
  })

  it('refuses a placeholder sent to another allowed host, audits the attempt, and never sends it the key', async () => {
    const before = otherSeen.length
    const got = await exchange(`GET http://other.test:${otherPort}/steal HTTP/1.1\r\nHost: other.test\r\nX-Exfil: ${KEY_PH}\r\nConnection: close\r\n\r\n`)
    expect(got).toMatch(/^HTTP\/1.1 403/)
    expect(got).toContain('credential leak attempt: the ANTHROPIC_API_KEY placeholder')
    expect(otherSeen.length).toBe(before)
    const line = (await audit()).at(-1)!
    expect(line).toMatchObject({ host: 'other.test', decision: 'deny', credentialLeak: 'ANTHROPIC_API_KEY' })
    const connectLeak = await exchange(`CONNECT ${TOKEN_PH}.other.test:443 HTTP/1.1\r\n\r\n`)
    expect(connectLeak).toMatch(/^HTTP\/1.1 403/)
    expect(proxy.counts().credentialLeaks).toEqual(expect.arrayContaining([
      { credential: 'ANTHROPIC_API_KEY', host: 'other.test', port: otherPort, count: 1 },
      expect.objectContaining({ credential: 'CLAUDE_CODE_OAUTH_TOKEN', port: 443 }),
    ]))
  })

  it('never sends the key to an upstream whose certificate the host does not trust', async () => {
    const before = seen.length
    const got = await exchange(`POST ${route}/v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: ${KEY_PH}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`, 'u.sock')
    expect(got).toMatch(/^HTTP\/1.1 502/)
    expect(seen.length).toBe(before)
    expect((await audit('u.jsonl')).at(-1)).toMatchObject({ decision: 'allow', error: expect.stringMatching(/certificate/) })
  })
})
