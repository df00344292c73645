// limit mode for real: podman (crun and gVisor) with only loopback, the in-sandbox relay and the proxy on a mounted socket,
// as root and as a normal user (rootless podman). For the normal user the proxy runs in the test process and its
// socket directory is handed to that user, as wrapix running as the user would own it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigSchema } from '../../../src/config/schema.js'
import { effectivePolicy } from '../../../src/network/effective-policy.js'
import type { PolicyLayers } from '../../../src/network/effective-policy.js'
import { startSessionNetwork } from '../../../src/network/session-network.js'
import type { SessionNetwork } from '../../../src/network/session-network.js'
import type { AuditEvent } from '../../../src/network/audit-log.js'
import { curlLine, giveSocketTo, runScript, sandboxArgv, startTargets, TEST_IMAGE, uniqueId } from '../../helpers/network-targets.js'
import type { Targets } from '../../helpers/network-targets.js'
import { podmanAs } from '../../helpers/podman.js'
import { RUN_AS, runAsLabel, type TestUser } from '../../helpers/test-user.js'

let targets: Targets
let work: string
beforeAll(async () => {
  targets = await startTargets()
  work = await mkdtemp(join(tmpdir(), 'wrapix-limit-'))
  await chmod(work, 0o711) // a normal user's podman passes through to the socket directory it mounts
})
afterAll(async () => {
  await targets?.close()
  await rm(work, { recursive: true, force: true })
})

function layers(allow: string[], deny: string[] = [], project: PolicyLayers['project'] = null): PolicyLayers {
  return { profileName: 'base', profile: null, user: null, project, allow, deny, mode: 'limit' }
}

async function open(_boundary: 'container' | 'gvisor', allow: string[], deny: string[] = [], resolve: Record<string, string> = {}, project: PolicyLayers['project'] = null, user: TestUser | null = null) {
  const sessionId = uniqueId()
  const { policy } = effectivePolicy(layers(allow, deny, project))
  const auditPath = join(work, `${sessionId}.network.jsonl`)
  await mkdir(join(work, 'run', sessionId), { recursive: true, mode: 0o711 })
  const socketDir = join(work, 'run', sessionId, 'net')
  const net = { socketDir, ...(await startSessionNetwork({ sessionId, policy, auditPath, resolve, socketDir })) }
  await giveSocketTo(net, user)
  return { sessionId, net, auditPath }
}

const readAudit = async (path: string): Promise<AuditEvent[]> =>
  (await readFile(path, 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent)

const CASES = RUN_AS.flatMap((user) => (['container', 'gvisor'] as const).map((boundary) => ({ user, boundary, who: runAsLabel(user) })))

describe.each(CASES)('limit mode under $boundary, $who', ({ user, boundary }) => {
  /** podman as the sandbox's user; a failed call fails the test. */
  const podman = async (args: string[]) => {
    const r = await podmanAs(user, args)
    if (r.exitCode !== 0) throw new Error(`podman ${args.slice(0, 2).join(' ')} failed (${r.exitCode}): ${r.stderr}`)
    return r
  }

  it('lets allowlisted names through and refuses everything else with 403, auditing each decision', async () => {
    const { tlsPort: tls, httpPort: http, address } = targets
    const resolve = {
      'api.test': address, 'a.wild.test': address, 'wild.test': address, 'blocked.test': address,
      'loop.test': '127.0.0.1', 'meta.test': '169.254.169.254', 'private.test': '10.99.0.1', 'proj.test': address,
    }
    const project = { file: '/w/.wrapix/config.yaml', approved: false, config: ConfigSchema.parse({ network: { allowedDomains: [`proj.test:${tls}`] } }) }
    const { net, auditPath, sessionId } = await open(boundary,
      [`api.test:${tls}`, `api.test:${http}`, `*.wild.test:${tls}`, `loop.test:${tls}`, `meta.test:${tls}`, `private.test:${tls}`, `blocked.test:${tls}`, address],
      ['blocked.test'], resolve, project, user)
    let out: Record<string, string>
    let summary: Awaited<ReturnType<SessionNetwork['close']>>
    try {
      out = await runScript(net, boundary, [
        curlLine('https', `https://api.test:${tls}/`),
        curlLine('http', `http://api.test:${http}/`),
        curlLine('wildsub', `https://a.wild.test:${tls}/`),
        curlLine('wildparent', `https://wild.test:${tls}/`),
        curlLine('unlisted', `https://other.test:${tls}/`),
        curlLine('ipliteral', `https://127.0.0.3:${tls}/`),
        curlLine('loopback', `https://loop.test:${tls}/`),
        curlLine('metadata', `https://meta.test:${tls}/`),
        curlLine('private', `https://private.test:${tls}/`),
        curlLine('deny', `https://blocked.test:${tls}/`),
        curlLine('project', `https://proj.test:${tls}/`),
        `echo "body=$(curl -s --max-time 10 --cacert /certs/cert.pem https://api.test:${tls}/x)"`,
        `echo "reason=$(curl -s --max-time 10 http://other.test:${http}/)"`,
      ].join('\n'), ['-v', `${targets.dir}:/certs:ro`], user)
    } finally {
      summary = await net.close()
    }
    expect(out).toMatchObject({
      https: '200/200', http: '200/000', wildsub: '200/200', body: `tls-ok api.test:${tls}`,
      wildparent: '000/403', unlisted: '000/403', ipliteral: '000/403', loopback: '000/403',
      metadata: '000/403', private: '000/403', deny: '000/403', project: '000/403',
    })
    expect(out.reason).toBe(`wrapix: other.test:${http} is not in the allowlist; allow it with: --allow other.test:${http}`)
    expect(existsSync(join(work, 'run', sessionId, 'net', 'proxy.sock'))).toBe(false)

    const audit = await readAudit(auditPath)
    const byHost = (h: string) => audit.filter((e) => e.host === h)
    expect(byHost('api.test').map((e) => e.decision)).toEqual(['allow', 'allow', 'allow'])
    expect(byHost('api.test').every((e) => e.address === address && e.bytesDown > 0)).toBe(true)
    expect(byHost('api.test').filter((e) => e.kind === 'connect').every((e) => e.bytesUp > 0)).toBe(true)
    expect(byHost('meta.test')[0]).toMatchObject({ decision: 'deny', allowArg: '169.254.169.254' })
    expect(byHost('blocked.test')[0]).toMatchObject({ decision: 'deny', rule: 'blocked.test', source: '--deny' })
    expect(audit.filter((e) => e.decision === 'deny')).toHaveLength(9)
    expect(summary).toMatchObject({ mode: 'limit', allowed: 4, denied: 9 })
    expect(summary.deniedHosts).toContainEqual(expect.objectContaining({ host: '127.0.0.3', port: tls, count: 1, allowCommand: `wrapix --allow 127.0.0.3:${tls}` }))
  })

  it('gives the sandbox no route, no DNS and no way to change its network', async () => {
    const { net } = await open(boundary, [`api.test:${targets.tlsPort}`], [], {}, null, user)
    let out: Record<string, string>
    try {
      out = await runScript(net, boundary, [
        'echo "links=$(ip -o link | wc -l)"',
        // gVisor lists the loopback's own routes here (local/broadcast, 127.0.0.0/8 dev lo); anything else would be a way out.
        `echo "routes4=$(ip -4 route | grep -cvE '^(local|broadcast) |dev lo( |$)')"`,
        // Only with no route out (checked above, and again here) may a packet be aimed at TEST-NET-1.
        `[ -z "$(ip -4 route | grep -vE '^(local|broadcast) |dev lo( |$)')" ] && python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.1", 53))' 2>/dev/null; echo "udp=$?"`,
        `echo "direct=$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' --max-time 5 http://${targets.address}:${targets.httpPort}/)"`,
        `echo "dns=$(getent hosts api.test >/dev/null 2>&1; echo $?)"`,
        'ip link set lo down 2>/dev/null; echo "linkdown=$?"',
        'ip route add 10.0.0.0/8 dev lo 2>/dev/null; echo "routeadd=$?"',
        `python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)' 2>/dev/null; echo "raw=$?"`,
        // The socket directory is read-only: the proxy socket cannot be replaced or removed from inside.
        'rm -f /run/wrapix/proxy.sock 2>/dev/null; echo "rmsock=$?"',
        'touch /run/wrapix/x 2>/dev/null; echo "touch=$?"',
      ].join('\n'), [], user)
    } finally {
      await net.close()
    }
    expect(out).toMatchObject({ links: '1', routes4: '0', direct: '000', linkdown: '2', routeadd: '2', raw: '1', rmsock: '1', touch: '1' })
    expect(out.udp).not.toBe('0')
    expect(out.dns).not.toBe('0')
  })

  it('leaves the sandbox without network when the relay dies or the proxy stops, and says so', async () => {
    const { net, sessionId } = await open(boundary, [`api.test:${targets.tlsPort}`, targets.address], [], { 'api.test': targets.address }, null, user)
    const name = `wrapix-test-${sessionId}`
    try {
      await podman(sandboxArgv(net, boundary, ['--name', name, '-d', '-v', `${targets.dir}:/certs:ro`], ['sleep', '120'], user))
      const fetch = async () => (await podmanAs(user, ['exec', name, 'curl', '-s', '-o', '/dev/null', '--max-time', '5', '-w', '%{http_code}', '--cacert', '/certs/cert.pem', `https://api.test:${targets.tlsPort}/`])).stdout
      expect(await fetch()).toBe('200')
      // The agent kills the relay: nothing listens on the loopback any more, and there is no other way out.
      await podman(['exec', name, 'pkill', '-x', 'socat'])
      expect(await fetch()).toBe('000')
      // A relay the agent starts itself still only reaches the proxy, which still decides.
      await podman(['exec', '-d', name, 'socat', 'TCP-LISTEN:3128,bind=127.0.0.1,fork,reuseaddr', 'UNIX-CONNECT:/run/wrapix/proxy.sock'])
      await new Promise((r) => setTimeout(r, 300))
      expect(await fetch()).toBe('200')
      // The proxy stops (wrapix gone): the relay has nothing to connect to; the launcher is told.
      await net.close()
      expect(await fetch()).toBe('000')
    } finally {
      await podmanAs(user, ['rm', '-f', '-t', '0', name])
      await net.close()
    }
  })
})

describe('several sessions at once', () => {
  it('enforces each session its own policy', async () => {
    const { tlsPort: tls, address } = targets
    const names = [0, 1, 2, 3, 4].map((i) => `s${i}.test`)
    const resolve = Object.fromEntries(names.map((n) => [n, address]))
    const sessions = await Promise.all(names.map((n, i) => open(i < 3 ? 'container' : 'gvisor', [`${n}:${tls}`, address], [], resolve)))
    try {
      const outs = await Promise.all(sessions.map((s, i) =>
        runScript(s.net, i < 3 ? 'container' : 'gvisor', names.map((n, j) => curlLine(`s${j}`, `https://${n}:${tls}/`)).join('\n'), ['-v', `${targets.dir}:/certs:ro`])))
      outs.forEach((out, i) => {
        for (let j = 0; j < 5; j++) expect(out[`s${j}`], `session ${i} to s${j}.test`).toBe(i === j ? '200/200' : '000/403')
      })
    } finally {
      await Promise.all(sessions.map((s) => s.net.close()))
    }
  })
})

it('refuses to start when the proxy cannot listen (fail closed)', async () => {
  const { policy } = effectivePolicy(layers([]))
  const socketDir = join(work, 'file-not-dir')
  await writeFile(socketDir, '')
  await expect(startSessionNetwork({ sessionId: uniqueId(), policy, auditPath: join(work, 'x.jsonl'), resolve: {}, socketDir }))
    .rejects.toThrow()
  expect(TEST_IMAGE).toBeTruthy()
})
