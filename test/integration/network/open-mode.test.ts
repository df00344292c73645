// open mode for real: NAT out of the session namespace, with private ranges dropped on the host side.
// The "public internet" is a namespace this test creates, on TEST-NET-3 (203.0.113.0/24); nothing else is reached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { execa } from 'execa'
import type { ResultPromise } from 'execa'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { effectivePolicy } from '../../../src/network/effective-policy.js'
import { startSessionNetwork } from '../../../src/network/session-network.js'
import { netnsExists } from '../../../src/network/netns.js'
import { runScript, uniqueId } from '../../helpers/network-targets.js'

const id = uniqueId('p')
const pubNs = `wxpub-${id}`
const tag = id.slice(-8)
const k = Number.parseInt(tag.slice(0, 2), 16) % 64
const hostSide = `203.0.113.${4 * k + 1}`
const publicAddr = `203.0.113.${4 * k + 2}`
const privateAddr = `10.77.${k}.2` // also inside the test namespace: if the drop failed, it would still go nowhere else
let server: ResultPromise | null = null
let work: string

const sh = (args: string[]) => execa('ip', args)
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wrapix-open-'))
  await sh(['netns', 'add', pubNs])
  await sh(['link', 'add', `wxq${tag}`, 'type', 'veth', 'peer', 'name', `wxp${tag}`, 'netns', pubNs])
  await sh(['addr', 'add', `${hostSide}/30`, 'dev', `wxq${tag}`])
  await sh(['link', 'set', `wxq${tag}`, 'up'])
  await sh(['route', 'add', `${privateAddr}/32`, 'via', publicAddr])
  await sh(['-n', pubNs, 'link', 'set', 'lo', 'up'])
  await sh(['-n', pubNs, 'addr', 'add', `${publicAddr}/30`, 'dev', `wxp${tag}`])
  await sh(['-n', pubNs, 'addr', 'add', `${privateAddr}/32`, 'dev', 'lo'])
  await sh(['-n', pubNs, 'link', 'set', `wxp${tag}`, 'up'])
  await sh(['-n', pubNs, 'route', 'add', 'default', 'via', hostSide])
  server = execa('ip', ['netns', 'exec', pubNs, 'python3', '-m', 'http.server', '8080', '--bind', '0.0.0.0', '--directory', work], { reject: false })
  for (let i = 0; i < 100; i++) {
    const r = await execa('ip', ['netns', 'exec', pubNs, 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/8080'], { reject: false })
    if (r.exitCode === 0) break
    await new Promise((res) => setTimeout(res, 50))
  }
})
afterAll(async () => {
  server?.kill()
  await server
  await execa('ip', ['route', 'del', `${privateAddr}/32`], { reject: false })
  await execa('ip', ['link', 'del', `wxq${tag}`], { reject: false })
  await execa('ip', ['netns', 'del', pubNs], { reject: false })
  await rm(work, { recursive: true, force: true })
})

describe.each(['container', 'gvisor'] as const)('open mode under %s', (boundary) => {
  it('reaches a public address but not a private one, and removes its rules afterwards', async () => {
    const sessionId = uniqueId()
    const { policy } = effectivePolicy({ profileName: 'base', profile: null, user: null, project: null, allow: [], deny: [], mode: 'open' })
    const net = await startSessionNetwork({ sessionId, policy, auditPath: join(work, `${sessionId}.jsonl`), resolve: {}, runtimeDir: join(work, 'run'), boundary })
    let out: Record<string, string>
    try {
      expect(net.env).toEqual({})
      out = await runScript(net, boundary, [
        `echo "public=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://${publicAddr}:8080/)"`,
        `echo "private=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 http://${privateAddr}:8080/)"`,
        'ip link set lo down 2>/dev/null; echo "linkdown=$?"',
      ].join('\n'))
    } finally {
      await net.close()
    }
    expect(out).toEqual({ public: '200', private: '000', linkdown: '2' })
    expect(await netnsExists(`wrapix-${sessionId}`)).toBe(false)
    const table = `wrapix_${createHash('sha256').update(sessionId).digest('hex').slice(0, 8)}`
    expect((await execa('nft', ['list', 'tables'])).stdout.split('\n')).not.toContain(`table inet ${table}`)
  })
})

describe('open mode with an agent credential', () => {
  it('serves the credential route on the sandbox loopback: the placeholder becomes the real key there only', async () => {
    const { createServer } = await import('node:http')
    const seen: (string | undefined)[] = []
    const api = createServer((req, res) => (seen.push(req.headers['x-api-key'] as string | undefined), res.end('api')))
    await new Promise<void>((r) => api.listen(0, '127.0.0.2', r))
    const port = (api.address() as { port: number }).port
    const sessionId = uniqueId()
    const { policy } = effectivePolicy({ profileName: 'base', profile: null, user: null, project: null, allow: [`cred.test:${port}`, '127.0.0.2'], deny: [], mode: 'open' })
    const upstream = { host: 'cred.test', port, tls: false, basePath: '' }
    const placeholder = `wrapix-placeholder-anthropic-api-key-${sessionId}`
    const credentials = [{ name: 'ANTHROPIC_API_KEY', header: 'x-api-key', scheme: 'raw' as const, placeholder, value: 'sk-ant-api03-openModeRealKey000000000-Xy', route: `/_wrapix/cred.test-${port}`, upstream }]
    const net = await startSessionNetwork({ sessionId, policy, auditPath: join(work, `${sessionId}.jsonl`), resolve: { 'cred.test': '127.0.0.2' }, runtimeDir: join(work, 'run'), boundary: 'container', credentials })
    let out: Record<string, string>
    try {
      expect(net.env).toEqual({}) // open mode: no proxy variables; only the credential's base URL points at the forwarder
      out = await runScript(net, 'container', [
        `echo "route=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'x-api-key: ${placeholder}' http://127.0.0.1:3128/_wrapix/cred.test-${port}/v1/messages)"`,
        `echo "public=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://${publicAddr}:8080/)"`,
      ].join('\n'))
    } finally {
      await net.close()
      api.close()
    }
    expect(out).toEqual({ route: '200', public: '200' })
    expect(seen).toEqual(['sk-ant-api03-openModeRealKey000000000-Xy'])
  }, 60_000)
})
