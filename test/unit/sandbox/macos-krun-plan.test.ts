// What planSandbox adds for Apple's container (macOS) and for krun: the guest account, the socket path limit,
// the guest's memory floor, and where secret values travel.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { obeyedByRuntime } from '../../../src/sandbox/env.js'
import { guestAccounts } from '../../../src/sandbox/guest-accounts.js'
import { planSandbox } from '../../../src/sandbox/plan-sandbox.js'
import { secretEnvFileContent } from '../../../src/sandbox/secret-env-file.js'
import { ENTRYPOINT, SECRET_ENV_FILE } from '../../../src/sandbox/plan.js'
import { thrownBy } from '../helpers/errors.js'
import { aHost } from '../helpers/host.js'
import { aPlanInput } from '../helpers/plan.js'
import { aSettings, dirs, sourced } from '../helpers/settings.js'

const APP = '/Users/ada/app'
const mac = aHost({ os: 'darwin', osRelease: '25.0.0', appleContainer: '/usr/local/bin/container', podman: { path: null }, user: { uid: 501, gid: 20, name: 'ada', home: '/Users/ada' } })
const macInput = (overrides: Parameters<typeof aPlanInput>[0] = {}) =>
  aPlanInput({ host: mac, settings: aSettings({ boundary: sourced('auto') }), workspace: { path: APP, explicit: false }, pathFacts: dirs(APP), runtimeDir: '/tmp/wrapix-501/wrapix', ...overrides })
const entrypoint = (plan: ReturnType<typeof planSandbox>) => plan.files.find((f) => f.dest === ENTRYPOINT)!.content

describe('macOS: the sandbox user has an account in the VM', () => {
  it('mounts wrapix\'s own /etc/passwd and /etc/group naming the host uid and gid', () => {
    const plan = planSandbox(macInput())
    const passwd = plan.files.find((f) => f.dest === '/etc/wrapix/session/passwd')!.content
    expect(passwd).toContain('wrapix:x:501:20:wrapix sandbox:/home/wrapix:/bin/sh\n')
    expect(passwd.startsWith('root:x:0:0:')).toBe(true)
    expect(plan.files.find((f) => f.dest === '/etc/wrapix/session/group')!.content).toContain('wrapix:x:20:\n')
    expect(plan.mounts).toContainEqual({ kind: 'bind', source: `${plan.filesDir}/session/passwd`, dest: '/etc/passwd', readOnly: true })
    expect(plan.mounts).toContainEqual({ kind: 'bind', source: `${plan.filesDir}/session/group`, dest: '/etc/group', readOnly: true })
  })

  it('lists root once when the sandbox user is root', () => {
    const { files } = guestAccounts({ uid: 0, gid: 0, name: 'root', home: '/home/wrapix', userns: { kind: 'host', reason: 'test' } }, '/f')
    expect(files[0]!.content.match(/^root:/gm)).toHaveLength(1)
    expect(files[1]!.content.match(/^root:/gm)).toHaveLength(1)
  })

  it('podman needs none of it (--passwd-entry)', () => {
    expect(planSandbox(aPlanInput()).mounts.some((m) => m.dest === '/etc/passwd')).toBe(false)
  })

  it('records the runtime as apple-container and passes secrets through container\'s environment', () => {
    const plan = planSandbox(macInput())
    expect([plan.runtime, plan.secretsVia]).toEqual(['apple-container', 'runtime-env'])
  })
})

describe('the proxy socket path fits a unix socket address', () => {
  it('refuses a runtime directory that makes it longer than macOS allows (104 bytes with the NUL)', () => {
    const long = `/Users/ada/${'r'.repeat(60)}/wrapix`
    const err = thrownBy(() => planSandbox(macInput({ runtimeDir: long, settings: aSettings({ boundary: sourced('auto'), networkMode: sourced('limit') }) })))
    expect(err.kind).toBe('host')
    expect(err.message).toMatch(/longer than macOS allows for a unix socket \(103 bytes\)$/)
    expect(err.hint).toContain('XDG_RUNTIME_DIR')
  })

  it('accepts the default macOS runtime directory', () => {
    expect(planSandbox(macInput({ settings: aSettings({ boundary: sourced('auto'), networkMode: sourced('limit') }) })).network.socketDir).toBe('/tmp/wrapix-501/wrapix/a1b2c3d4e5f6/net')
  })
})

describe('Apple container obeys some names itself', () => {
  it.each(['CONTAINER_DEBUG', 'CONTAINER_DEFAULT_PLATFORM', 'DYLD_INSERT_LIBRARIES', 'SSH_AUTH_SOCK'])('%s never travels in container\'s environment', (name) => {
    expect(obeyedByRuntime(name, 'apple-container')).toBe(true)
    expect(obeyedByRuntime(name, 'podman')).toBe(false)
  })
})

describe('krun', () => {
  const krun = (overrides: Parameters<typeof aSettings>[0] = {}) => aPlanInput({ settings: aSettings({ boundary: sourced('microvm', 'flag'), ...overrides }), flagEnvNames: ['API_TOKEN'], hostEnv: {} })

  it('delivers secret values in a file the entrypoint reads first, never by --env', () => {
    const plan = planSandbox(krun())
    expect(plan.secretsVia).toBe('file')
    expect(plan.secretNames).toContain('API_TOKEN')
    expect(entrypoint(plan).split('\n').slice(0, 4)).toContain(`. ${SECRET_ENV_FILE}`)
  })

  it('other runtimes read no such file', () => {
    const plan = planSandbox(aPlanInput({ flagEnvNames: ['API_TOKEN'] }))
    expect(plan.secretsVia).toBe('runtime-env')
    expect(entrypoint(plan)).not.toContain(SECRET_ENV_FILE)
  })

  it('refuses a memory limit that leaves the guest too little beside the VMM', () => {
    const err = thrownBy(() => planSandbox(krun({ memoryMb: sourced(384, 'flag') })))
    expect(err.kind).toBe('usage')
    expect(err.message).toBe('--memory 384m is too low for the microvm boundary')
    expect(err.hint).toBe('use at least 512m (256 MiB of it is kept for the VMM)')
  })

  it('plans the resolved runtime path', () => {
    expect(planSandbox(krun()).runtimePath).toBe('/usr/bin/krun')
  })
})

describe('secretEnvFileContent', () => {
  it('reads back byte for byte in sh: quotes, newlines, $ and backticks stay literal', () => {
    const value = `it's $HOME \`id\` "q"\nline2 \\ end`
    const out = execFileSync('/bin/sh', ['-c', `eval "$1"; printf %s "$TOKEN"`, 'sh', secretEnvFileContent({ TOKEN: value })], { encoding: 'utf8', env: {} })
    expect(out).toBe(value)
  })

  it('refuses a name that is not a variable name (it would be shell code)', () => {
    expect(() => secretEnvFileContent({ 'X;id': 'v' })).toThrow(/not a valid variable name/)
  })
})
