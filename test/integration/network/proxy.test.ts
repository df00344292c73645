// The proxy on its own (no podman): HTTP forwarding with bodies and keep-alive, CONNECT, refusals, audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
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

let dir: string
let origin: Server
let port: number
let proxy: RunningProxy
const lookups: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wrapix-proxy-'))
  origin = createServer((req, res) => {
    let n = 0
    req.on('data', (c: Buffer) => (n += c.length))
    req.on('end', () => res.end(`${req.method} ${req.url} ${req.headers.host} ${n} ${req.headers['proxy-connection'] ?? '-'}`))
  })
  origin.listen(0, '127.0.0.2')
  await once(origin, 'listening')
  port = (origin.address() as AddressInfo).port
  const { policy } = effectivePolicy({ profileName: 'base', profile: null, user: null, project: null, allow: [`api.test:${port}`, `rebind.test:${port}`, '127.0.0.2'], deny: [], mode: 'limit' })
  proxy = await startProxy({
    socketPath: join(dir, 'p.sock'), policy, auditPath: join(dir, 'audit.jsonl'), resolve: { 'api.test': '127.0.0.2' },
    // A resolver that answers a private address first and a public one second: only the checked one is used.
    lookup: async (host) => (lookups.push(host), host === 'rebind.test' ? ['127.0.0.3', '127.0.0.2'] : []),
  })
})
afterAll(async () => {
  await proxy.close()
  origin.closeAllConnections()
  origin.close()
  await rm(dir, { recursive: true, force: true })
})

/** Sends raw bytes to the proxy socket and returns everything it answers until it closes or `until` is seen. */
async function exchange(requests: string, until?: RegExp): Promise<string> {
  const s = connect(join(dir, 'p.sock'))
  await once(s, 'connect')
  s.write(requests)
  let got = ''
  s.on('data', (c: Buffer) => (got += c.toString()))
  await new Promise<void>((resolve) => {
    s.on('close', () => resolve())
    s.on('data', () => until?.test(got) && (s.destroy(), resolve()))
  })
  return got
}

describe('startProxy', () => {
  it('forwards absolute-URI requests with bodies over one kept-alive connection, without proxy headers', async () => {
    const got = await exchange(
      `POST http://api.test:${port}/a?x=1 HTTP/1.1\r\nHost: api.test:${port}\r\nProxy-Connection: keep-alive\r\nContent-Length: 5\r\n\r\nhello` +
      `GET http://api.test:${port}/b HTTP/1.1\r\nHost: api.test:${port}\r\n\r\n`,
      /GET \/b .*$/m,
    )
    expect(got).toContain(`POST /a?x=1 api.test:${port} 5 -`)
    expect(got).toContain(`GET /b api.test:${port} 0 -`)
  })

  it('opens a CONNECT tunnel to the checked address and relays both ways', async () => {
    const got = await exchange(`CONNECT api.test:${port} HTTP/1.1\r\n\r\nGET /t HTTP/1.1\r\nHost: x\r\n\r\n`, /GET \/t x 0/)
    expect(got).toMatch(/^HTTP\/1.1 200 Connection Established\r\n\r\nHTTP\/1.1 200 OK/)
  })

  it('connects only to a resolved address that passed the check', async () => {
    const got = await exchange(`GET http://rebind.test:${port}/r HTTP/1.1\r\nHost: rebind.test:${port}\r\n\r\n`, /GET \/r/)
    expect(got).toContain(`GET /r rebind.test:${port} 0`)
    expect(lookups).toContain('rebind.test')
  })

  it('answers 403 with the reason and the --allow that would permit it, and audits it', async () => {
    const got = await exchange(`CONNECT nope.test:443 HTTP/1.1\r\n\r\n`)
    expect(got).toMatch(/^HTTP\/1.1 403 Forbidden/)
    expect(got).toContain('wrapix: nope.test:443 is not in the allowlist; allow it with: --allow nope.test:443')
    await new Promise((r) => setTimeout(r, 50))
    const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as AuditEvent)
    expect(lines.find((e) => e.host === 'nope.test')).toMatchObject({ decision: 'deny', port: 443, address: null, allowArg: 'nope.test:443' })
    expect(lines.find((e) => e.host === 'rebind.test')).toMatchObject({ decision: 'allow', address: '127.0.0.2' })
    expect(proxy.counts().denied).toBeGreaterThanOrEqual(1)
  })
})
