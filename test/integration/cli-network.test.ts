// The network policy through the real `wrapix` CLI (built bin, isolated HOME): limit mode reaches local test
// servers by allowlisted name over HTTP and HTTPS, refuses an unlisted name with 403, tells the user how to
// allow it, and audits both in the session's `.network.jsonl`, which `wrapix policy log` and `wrapix log` read.
import { describe, expect, it } from 'vitest'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AuditEvent } from '../../src/network/audit-log.js'
import { isolatedHome, runWrapix, tempProject } from '../helpers/cli.js'
import { printedPairs, useTargets } from '../helpers/network-targets.js'
import { BASE_IMAGE, requirePodman } from '../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, useSandboxProject } from '../helpers/sandbox.js'
import { RUN_AS, runAsLabel } from '../helpers/test-user.js'

const podman = await requirePodman()

const targets = useTargets('127.0.0.2')

const curl = (name: string, args: string): string =>
  `echo "${name}=$(curl -s --max-time 10 -w ' %{http_code}' --cacert /certs/cert.pem ${args} | tr -d '\\n')"`


async function recordFiles(dir: string): Promise<{ record: string; audit: string }[]> {
  const names = (await readdir(join(dir, '.wrapix', 'log'))).filter((n) => n.endsWith('.json'))
  return names.map((n) => ({ record: join(dir, '.wrapix', 'log', n), audit: join(dir, '.wrapix', 'log', n.replace(/\.json$/, '.network.jsonl')) }))
}

const CASES = RUNNABLE_BOUNDARIES.flatMap((boundary) => RUN_AS.map((user) => ({ boundary, user, who: runAsLabel(user) })))

describe.skipIf(!podman).each(CASES)('wrapix --network limit ($boundary boundary, $who)', ({ boundary, user }) => {
  const sandbox = useSandboxProject('all', user)

  it('reaches allowlisted names, refuses others with 403, reports and audits both', async () => {
    const { tlsPort: tls, httpPort: http, address, dir: certDir } = targets.current
    const script = [
      curl('https', `https://api.test:${tls}/`),
      curl('http', `http://api.test:${http}/`),
      `echo "unlisted=$(curl -s -o /dev/null --max-time 10 -w '%{http_connect}' --cacert /certs/cert.pem https://other.test:${tls}/)"`,
      // Without the proxy there is no route: the sandbox's only interface is loopback.
      `echo "direct=$(curl -s -o /dev/null --noproxy '*' --max-time 5 -w '%{http_code}' http://${address}:${http}/)"`,
    ].join('\n')
    const result = await runWrapix([
      'run', sandbox.project.dir, '--boundary', boundary, '--image', BASE_IMAGE, '--network', 'limit', '--no-input',
      '--allow', `api.test:${tls}`, '--allow', `api.test:${http}`, '--resolve', `api.test:${address}`,
      '--resolve', `other.test:${address}`, '--allow', address,
      '-v', `${join(certDir, 'cert.pem')}:/certs/cert.pem:ro`,
      '--', 'sh', '-c', script,
    ], { home: sandbox.home, timeoutMs: 90_000 })

    expect(result.exitCode, result.stderr).toBe(0)
    const out = printedPairs(result.stdout)
    expect(out.https).toBe(`tls-ok api.test:${tls} 200`)
    expect(out.http).toBe(`http-ok api.test:${http} 200`)
    expect(out.unlisted).toBe('403') // the proxy's answer to CONNECT
    expect(out.direct).toBe('000')
    // At the end of the session the user sees the denial and the one flag that would allow it.
    expect(result.stderr).toContain(`denied other.test:${tls}`)
    expect(result.stderr).toContain(`wrapix --allow other.test:${tls}`)

    const [files] = await recordFiles(sandbox.project.dir)
    const events = (await readFile(files!.audit, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as AuditEvent)
    expect(events.map((e) => [e.kind, e.host, e.port, e.decision])).toEqual([
      ['connect', 'api.test', tls, 'allow'],
      ['http', 'api.test', http, 'allow'],
      ['connect', 'other.test', tls, 'deny'],
    ])
    expect(events[0]).toMatchObject({ address, rule: `api.test:${tls}`, source: '--allow' })
    expect(events[0]!.bytesDown).toBeGreaterThan(0) // the TLS handshake and answer came back through the tunnel
    expect(events[2]).toMatchObject({ address: null, allowArg: `other.test:${tls}` })

    const record = JSON.parse(await readFile(files!.record, 'utf8'))
    expect(record.policy.mode).toBe('limit')
    expect(record.network).toMatchObject({ allowed: 2, denied: 1, deniedHosts: [{ host: 'other.test', port: tls, count: 1 }] })

    // The same session through the read-side commands.
    const policyLog = await runWrapix(['policy', 'log', '--json'], { home: sandbox.home, cwd: sandbox.project.dir })
    expect(policyLog.exitCode, policyLog.stderr).toBe(0)
    expect((JSON.parse(policyLog.stdout) as AuditEvent[]).map((e) => e.decision)).toEqual(['allow', 'allow', 'deny'])
    const policyText = await runWrapix(['policy', 'log'], { home: sandbox.home, cwd: sandbox.project.dir })
    expect(policyText.stdout).toContain('2 allowed, 1 denied')
    const ls = await runWrapix(['log', 'ls', '--json', '-C', sandbox.project.dir], { home: sandbox.home })
    expect(JSON.parse(ls.stdout)).toEqual([expect.objectContaining({ id: record.id, exitCode: 0, denied: 1 })])
    const show = await runWrapix(['log', 'show', 'latest', '--json', '-C', sandbox.project.dir], { home: sandbox.home })
    expect(JSON.parse(show.stdout)).toMatchObject({ id: record.id, network: { allowed: 2, denied: 1 } })
  })
})

// No sandbox: `policy check` must answer with the mode and profile a `wrapix run` in the same place would use.
describe('wrapix policy check', () => {
  it('reports the mode the launcher resolves, WRAPIX_NETWORK included', async () => {
    const project = await tempProject({ '.wrapix/config.yaml': 'network: { mode: open }\n' })
    try {
      const env = await runWrapix(['policy', 'check', 'github.com', '--json'], { cwd: project.dir, env: { WRAPIX_NETWORK: 'none' } })
      expect(env.exitCode, env.stderr).toBe(0)
      expect(JSON.parse(env.stdout)).toMatchObject({ allowed: true, mode: 'none' })
      // An unapproved project file may not widen the mode: limit, with the resolver's warning.
      const widened = await runWrapix(['policy', 'check', 'github.com', '--json'], { cwd: project.dir })
      expect(JSON.parse(widened.stdout)).toMatchObject({ mode: 'limit', warnings: [expect.stringContaining('ignoring network mode "open"')] })
    } finally {
      await project.cleanup()
    }
  })

  it('refuses an unapproved project profile, as a run would, until that profile is approved', async () => {
    const home = await isolatedHome()
    const project = await tempProject({
      '.wrapix/config.yaml': 'profile: wide\n',
      '.wrapix/profiles/wide.yaml': 'network:\n  allowedDomains: [evil.test]\n',
    })
    try {
      const r = await runWrapix(['policy', 'check', 'evil.test'], { cwd: project.dir, home })
      expect(r.exitCode).toBe(5)
      expect(r.stderr).toContain('is not approved')
      expect(r.stderr).toContain('wrapix policy approve')
      // ...while approving the project config itself still works.
      const approve = await runWrapix(['policy', 'approve', '--json'], { cwd: project.dir, home })
      expect(approve.exitCode, approve.stderr).toBe(0)
      expect(JSON.parse(approve.stdout)).toMatchObject({ added: true, file: join(project.dir, '.wrapix', 'config.yaml') })
      // The profile itself is approved by naming it, as the refusal's hint says; then the check uses it.
      const approveProfile = await runWrapix(['policy', 'approve', '.wrapix/profiles/wide.yaml', '--json'], { cwd: project.dir, home })
      expect(approveProfile.exitCode, approveProfile.stderr).toBe(0)
      expect(JSON.parse(approveProfile.stdout)).toMatchObject({ added: true, widens: ['allowedDomains: evil.test'] })
      const after = await runWrapix(['policy', 'check', 'evil.test', '--json'], { cwd: project.dir, home })
      expect(after.exitCode, after.stderr).toBe(0)
      expect(JSON.parse(after.stdout)).toMatchObject({ allowed: true, rule: { source: 'profile wide' } })
    } finally {
      await project.cleanup()
      await home.cleanup()
    }
  })
})
