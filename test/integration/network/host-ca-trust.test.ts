// Trusting the host's CAs for real: a local TLS server whose certificate authority only the "host bundle"
// (a temp file named in the user config) holds. With tls.trustHostCertificates, curl in the sandbox
// reaches it without -k; without it, or when only the agent-writable project file asks, TLS fails closed.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isolatedHome, tempProject, type IsolatedHome, type TempProject } from '../../helpers/cli.js'
import { startTargets, type Targets } from '../../helpers/network-targets.js'
import { removeContainersByLabel, requirePodman } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, runInSandbox } from '../../helpers/sandbox.js'

const podman = await requirePodman()

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('the host CA bundle in the sandbox (%s boundary)', (boundary) => {
  let targets: Targets
  let project: TempProject
  let home: IsolatedHome
  beforeAll(async () => {
    targets = await startTargets() // its self-signed certificate is the private CA
    project = await tempProject()
    home = await isolatedHome()
  })
  afterAll(async () => {
    await removeContainersByLabel({ 'wrapix.workspace': project.dir })
    await targets.close()
    await project.cleanup()
    await home.cleanup()
  })

  const bundle = () => join(targets.dir, 'cert.pem')
  const userConfig = async (tls: string): Promise<void> => {
    const dir = join(home.env.XDG_CONFIG_HOME!, 'wrapix')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'config.yaml'), `tls: ${tls}\n`)
  }
  const curl = (extra: string[] = []) =>
    runInSandbox(boundary, project.dir, ['sh', '-c', 'curl -sS --max-time 20 "$0"; echo "curl=$?"', `https://api.test:${targets.tlsPort}/`], {
      home,
      flags: ['--network', 'limit', '--allow', `api.test:${targets.tlsPort}`, '--resolve', `api.test:${targets.address}`, '--allow', targets.address, ...extra],
    })

  it('with trustHostCertificates, curl reaches the server without -k and every CA variable names the read-only bundle', async () => {
    await userConfig(`{ trustHostCertificates: true, hostBundle: "${bundle()}" }`)
    const before = await readFile(bundle(), 'utf8')
    const result = await curl()
    expect(result.stdout, result.stderr).toContain(`tls-ok api.test:${targets.tlsPort}\ncurl=0`)

    const env = await runInSandbox(boundary, project.dir, ['sh', '-c', 'for v in SSL_CERT_FILE NODE_EXTRA_CA_CERTS REQUESTS_CA_BUNDLE CURL_CA_BUNDLE GIT_SSL_CAINFO PIP_CERT; do eval "echo $v=\\$$v"; done; cat "$SSL_CERT_FILE" | head -1; echo x >> "$SSL_CERT_FILE" 2>/dev/null && echo WRITABLE || echo read-only'], { home })
    expect(env.exitCode, env.stderr).toBe(0)
    for (const name of ['SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'GIT_SSL_CAINFO', 'PIP_CERT']) {
      expect(env.stdout).toContain(`${name}=/etc/wrapix/tls/ca-bundle.crt\n`)
    }
    expect(env.stdout).toContain('-----BEGIN CERTIFICATE-----\nread-only\n')
    expect(await readFile(bundle(), 'utf8')).toBe(before)
  })

  it('unset, it is on by itself when the host bundle holds a CA the image lacks, and says so once', async () => {
    await userConfig(`{ hostBundle: "${bundle()}" }`)
    const first = await curl()
    expect(first.stdout, first.stderr).toContain(`tls-ok api.test:${targets.tlsPort}\ncurl=0`)
    expect(first.stderr).toMatch(/the sandbox trusts your host's certificate authorities \(.* holds 1 the image lacks.*trustHostCertificates: false/)
    const second = await curl()
    expect(second.stdout).toContain('curl=0')
    expect(second.stderr).not.toMatch(/trusts your host's certificate authorities/)
  })

  it('without it, TLS to the server fails closed (certificate not trusted)', async () => {
    await userConfig('{ trustHostCertificates: false }')
    const result = await curl()
    expect(result.stdout).toMatch(/curl=60\n/)
    expect(result.stdout).not.toContain('tls-ok')
  })

  it('a project file cannot turn it on (it widens the sandbox) until approved', async () => {
    await userConfig('{ trustHostCertificates: false }')
    await project.write('.wrapix/config.yaml', `tls: { trustHostCertificates: true, hostBundle: "${bundle()}" }\n`)
    try {
      const result = await curl()
      expect(result.stdout).toMatch(/curl=60\n/)
      expect(result.stderr).toMatch(/ignoring tls.trustHostCertificates: true .*wrapix policy approve/)
    } finally {
      await rm(join(project.dir, '.wrapix', 'config.yaml'))
    }
  })
})
