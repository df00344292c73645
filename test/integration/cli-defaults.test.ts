// What a user gets with wrapix's defaults, through the real CLI, as root and as a normal user (rootless podman):
// `wrapix run . -- curl https://<allowed>` with no --boundary (auto) and no --network (limit) reaches an
// allowlisted local TLS server, a denied host is refused and shown at the end, files made in /workspace belong
// to the user, and `open` mode takes the same proxy path with any public host but still no private addresses.
import { describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { AuditEvent } from '../../src/network/audit-log.js'
import { runWrapix, spawnWrapix } from '../helpers/cli.js'
import { curlLine, printedPairs, useTargets } from '../helpers/network-targets.js'
import { BASE_IMAGE, podmanPs, processesOf, requirePodman, sessionRuntimeDir, waitForNoContainers } from '../helpers/podman.js'
import { useSandboxProject } from '../helpers/sandbox.js'
import { RUN_AS, runAsLabel } from '../helpers/test-user.js'

const podman = await requirePodman()

const targets = useTargets('127.0.0.2')


async function auditOf(dir: string): Promise<AuditEvent[]> {
  const log = join(dir, '.wrapix', 'log')
  const name = (await readdir(log)).find((n) => n.endsWith('.network.jsonl'))!
  return (await readFile(join(log, name), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as AuditEvent)
}

describe.skipIf(!podman).each(RUN_AS.map((user) => ({ user, who: runAsLabel(user) })))('wrapix with its defaults, $who', ({ user }) => {
  const sandbox = useSandboxProject('each', user)

  it('auto picks gVisor here and says why; limit mode reaches the allowed host only; the denial is shown; files are the user\'s', async () => {
    const { tlsPort: tls, address } = targets.current
    const script = [
      curlLine('allowed', `https://api.test:${tls}/`),
      curlLine('denied', `https://other.test:${tls}/`),
      `echo "dns=$(getent hosts api.test >/dev/null 2>&1; echo $?)"`,
      'touch /workspace/made-in-sandbox',
    ].join('\n')
    // What a user passes: the allowlist entry. The rest maps the test's local server (no real address).
    const result = await runWrapix(['run', '.', '--image', BASE_IMAGE, '--no-input', '--allow', `api.test:${tls}`,
      '--resolve', `api.test:${address}`, '--resolve', `other.test:${address}`, '--allow', address,
      '-v', `${join(targets.current.dir, 'cert.pem')}:/certs/cert.pem:ro`, '--', 'sh', '-c', script],
    { home: sandbox.home, cwd: sandbox.project.dir, timeoutMs: 120_000 })

    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/^wrapix: boundary gvisor \(.*no krun runtime; .*install crun-krun for a microVM\)$/m)
    expect(printedPairs(result.stdout)).toMatchObject({ allowed: '200/200', denied: '000/403' })
    expect(printedPairs(result.stdout).dns).not.toBe('0')
    expect(result.stderr).toContain(`denied other.test:${tls}`)
    expect(result.stderr).toContain(`wrapix --allow other.test:${tls}`)
    const made = await stat(join(sandbox.project.dir, 'made-in-sandbox'))
    expect([made.uid, made.gid]).toEqual(user ? [user.uid, user.gid] : [0, 0])
    // cgroup v1 cannot be delegated to a normal user: wrapix says the limits are not enforced.
    if (user) expect(result.stderr).toContain('limits are not enforced')
    else expect(result.stderr).not.toContain('limits are not enforced')

    const log = join(sandbox.project.dir, '.wrapix', 'log')
    const record = JSON.parse(await readFile(join(log, (await readdir(log)).find((n) => n.endsWith('.json'))!), 'utf8'))
    expect(record).toMatchObject({ boundary: 'gvisor', runtime: 'runsc', policy: { mode: 'limit' }, network: { allowed: 1, denied: 1 } })
  })

  it('open mode: any public name goes through the same proxy, private and metadata addresses are still refused, all audited', async () => {
    const { tlsPort: tls, address } = targets.current
    const script = [
      curlLine('anyname', `https://api.test:${tls}/`),
      curlLine('metadata', `https://meta.test:${tls}/`),
      curlLine('private', `https://private.test:${tls}/`),
      curlLine('loopback', `https://127.0.0.3:${tls}/`), // 127.0.0.1 itself is NO_PROXY: inside the sandbox
      `echo "direct=$(curl -s -o /dev/null --noproxy '*' --max-time 5 -w '%{http_code}' http://${address}:${targets.current.httpPort}/)"`,
    ].join('\n')
    const result = await runWrapix(['run', '.', '--boundary', 'container', '--network', 'open', '--image', BASE_IMAGE, '--no-input',
      '--resolve', `api.test:${address}`, '--resolve', 'meta.test:169.254.169.254', '--resolve', 'private.test:10.99.0.1', '--allow', address,
      '-v', `${join(targets.current.dir, 'cert.pem')}:/certs/cert.pem:ro`, '--', 'sh', '-c', script],
    { home: sandbox.home, cwd: sandbox.project.dir, timeoutMs: 120_000 })

    expect(result.exitCode, result.stderr).toBe(0)
    // api.test is in no allowlist: open mode allows any name; its loopback address passes only because a rule names it.
    expect(printedPairs(result.stdout)).toMatchObject({ anyname: '200/200', metadata: '000/403', private: '000/403', loopback: '000/403', direct: '000' })
    const audit = await auditOf(sandbox.project.dir)
    expect(audit.map((e) => [e.host, e.decision])).toEqual([['api.test', 'allow'], ['meta.test', 'deny'], ['private.test', 'deny'], ['127.0.0.3', 'deny']])
  })
})

describe.skipIf(!podman).each(RUN_AS.map((user) => ({ user, who: runAsLabel(user) })))('cleanup after a signal, $who', ({ user }) => {
  const sandbox = useSandboxProject('each', user)

  async function runningSession(): Promise<string> {
    const deadline = Date.now() + 60_000
    for (;;) {
      const running = (await podmanPs({ 'wrapix.workspace': sandbox.project.dir }, user)).find((c) => c.state === 'running')
      if (running) return running.labels['wrapix.session']!
      if (Date.now() > deadline) throw new Error(`no running sandbox for ${sandbox.project.dir}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  it.each(['SIGTERM', 'SIGKILL'] as const)('%s: no container, proxy socket, session directory or process of the session is left', async (signal) => {
    const args = ['run', '.', '--boundary', 'gvisor', '--image', BASE_IMAGE, '--no-input', '--', 'sleep', '300']
    const wrapix = spawnWrapix(args, { home: sandbox.home, cwd: sandbox.project.dir, timeoutMs: 90_000 })
    const sessionId = await runningSession()
    const dir = sessionRuntimeDir(sandbox.home, sessionId)
    expect(existsSync(join(dir, 'net', 'proxy.sock'))).toBe(true)
    wrapix.kill(signal)
    await wrapix
    expect(await waitForNoContainers({ 'wrapix.workspace': sandbox.project.dir }, 30_000, user)).toEqual([])
    if (signal === 'SIGKILL') {
      // Nobody could tidy up: the next start does.
      const next = await runWrapix(['run', '.', '--boundary', 'container', '--image', BASE_IMAGE, '--no-input', '--network', 'none', '--', 'true'], { home: sandbox.home, cwd: sandbox.project.dir, timeoutMs: 90_000 })
      expect(next.exitCode, next.stderr).toBe(0)
    }
    expect(existsSync(dir)).toBe(false)
    expect(await processesOf(sessionId)).toEqual([])
  })
})
