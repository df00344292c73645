// Every flag of `container run` that wrapix passes, checked against apple/container 1.2.2:
// Sources/Services/ContainerAPIService/Client/Flags.swift (the flag exists, its type) and Parser.swift (how values split).
import { describe, expect, it } from 'vitest'
import { appleContainerArgv } from '../../../src/runtime/apple-container.js'
import type { StagedFile } from '../../../src/runtime/apple-staging.js'
import { thrownBy } from '../helpers/errors.js'
import { valuesOf } from '../helpers/argv.js'
import { aPlan, bind } from '../helpers/plan.js'

const SESSION = '/tmp/wrapix-501/wrapix/a1b2c3d4e5f6'
const macPlan = (overrides: Parameters<typeof aPlan>[0] = {}) =>
  aPlan({
    backend: 'apple-container', boundary: 'microvm', runtime: 'apple-container', workspace: '/Users/ada/app',
    user: { uid: 501, gid: 20, name: 'wrapix', home: '/home/wrapix', userns: { kind: 'host', reason: 'test' } },
    filesDir: `${SESSION}/files`,
    mounts: [bind('/Users/ada/my app', '/workspace'), bind(`${SESSION}/files`, '/etc/wrapix', true), { kind: 'tmpfs', dest: '/home/wrapix' }],
    ...overrides,
  })

describe('appleContainerArgv: the network (enforced outside the VM)', () => {
  it('gives the VM no network device and no DNS (Flags.Management.networks "none", dnsDisabled --no-dns)', () => {
    const argv = appleContainerArgv(macPlan())
    expect(valuesOf(argv, '--network')).toEqual(['none'])
    expect(argv).toContain('--no-dns')
    // Never these: --publish-socket goes the wrong way (VM → host), --ssh forwards the user's own agent.
    expect(argv).not.toContain('--publish-socket')
    expect(argv).not.toContain('--ssh')
    expect(argv.some((a) => a === '--dns' || a.startsWith('--dns-'))).toBe(false)
  })

  it('mounts the proxy socket itself with -v (Parser.mount refuses non-directories; RuntimeService relays a socket mount into the VM)', () => {
    const plan = macPlan({ network: { mode: 'limit', socketDir: `${SESSION}/net` }, mounts: [...macPlan().mounts, bind(`${SESSION}/net`, '/run/wrapix', true)] })
    const argv = appleContainerArgv(plan)
    expect(valuesOf(argv, '--volume')).toEqual([`${SESSION}/net/proxy.sock:/run/wrapix/proxy.sock`])
    expect(valuesOf(argv, '--mount').some((m) => m.includes('/run/wrapix'))).toBe(false)
  })

  it('refuses a socket path with ":" (Parser.volume splits on it)', () => {
    const plan = macPlan({ network: { mode: 'limit', socketDir: '/tmp/a:b/net' }, mounts: [bind('/tmp/a:b/net', '/run/wrapix', true)] })
    expect(thrownBy(() => appleContainerArgv(plan)).message).toContain('contains ":"')
  })
})

describe('appleContainerArgv: mounts', () => {
  it('binds directories with --mount type=bind and marks read-only ones (Parser.mount: "readonly")', () => {
    expect(valuesOf(appleContainerArgv(macPlan()), '--mount')).toEqual([
      'type=bind,source=/Users/ada/my app,target=/workspace',
      `type=bind,source=${SESSION}/files,target=/etc/wrapix,readonly`,
      'type=tmpfs,target=/home/wrapix,mode=1777',
    ])
  })

  it('spells tmpfs with --mount, mode 1777 and the size (Flags --tmpfs takes a path only; Parser.mount: mode and size are for tmpfs)', () => {
    const argv = appleContainerArgv(macPlan({ mounts: [{ kind: 'tmpfs', dest: '/scratch', sizeMb: 512 }] }))
    expect(valuesOf(argv, '--mount')).toEqual(['type=tmpfs,target=/scratch,mode=1777,size=512M'])
    expect(argv).not.toContain('--tmpfs')
  })

  it('mounts a staged single file read-only with -v from its own directory', () => {
    const staged: StagedFile[] = [{ source: '/Users/ada/.config/wrapix/keys/k', dest: '/etc/wrapix/keys/deploy', staged: `${SESSION}/staged/0/deploy` }]
    const plan = macPlan({ mounts: [...macPlan().mounts, bind('/Users/ada/.config/wrapix/keys/k', '/etc/wrapix/keys/deploy', true)] })
    const argv = appleContainerArgv(plan, staged)
    expect(valuesOf(argv, '--volume')).toEqual([`${SESSION}/staged/0/deploy:/etc/wrapix/keys/deploy:ro`])
    expect(valuesOf(argv, '--mount').some((m) => m.includes('keys'))).toBe(false)
  })

  // Parser.mount splits on "," and then each directive on "=" with maxSplits 2, keeping only the part before a
  // second "=": "source=/a=b" would mount /a. Both are refused, for the source and the target.
  it.each([
    ['a comma in the source', bind('/Users/ada/a,b', '/data')],
    ['an "=" in the source', bind('/Users/ada/a=b', '/data')],
    ['an "=" in the target', bind('/Users/ada/data', '/da=ta')],
  ])('refuses %s', (_, mount) => {
    const err = thrownBy(() => appleContainerArgv(macPlan({ mounts: [mount] })))
    expect(err.kind).toBe('usage')
    expect(err.message).toMatch(/contains "[,=]", which Apple's container splits paths on/)
    expect(err.hint).toContain('rename')
  })

  it('refuses ":" or "," in a staged file target (Parser.volume splits on ":", options on ",")', () => {
    const staged: StagedFile[] = [{ source: '/Users/ada/f', dest: '/da:ta', staged: `${SESSION}/staged/0/da:ta` }]
    expect(() => appleContainerArgv(macPlan({ mounts: [bind('/Users/ada/f', '/da:ta', true)] }), staged)).toThrow(/contains ":"/)
  })
})

describe('appleContainerArgv: process, limits and hardening', () => {
  it('runs an init, drops every capability (Flags --init, --cap-drop; Parser.capabilities accepts ALL)', () => {
    const argv = appleContainerArgv(macPlan())
    expect(argv).toContain('--init')
    expect(valuesOf(argv, '--cap-drop')).toEqual(['ALL'])
    // Flags.swift 1.2.2 has no --security-opt and no --pids-limit.
    expect(argv).not.toContain('--security-opt')
    expect(argv).not.toContain('--pids-limit')
  })

  it.each([
    [0.5, '1'],
    [1, '1'],
    [2.9, '2'],
    [8, '8'],
  ])('gives %s CPUs as a whole number rounded down, at least 1 (Flags.Resource.cpus is Int64): %s', (cpus, expected) => {
    expect(valuesOf(appleContainerArgv(macPlan({ limits: { cpus, memoryMb: 2048, pids: 10, enforced: true } })), '--cpus')).toEqual([expected])
  })

  it('spells memory in M (Parser.memoryStringAsMiB) and caps processes with --ulimit nproc= (Parser.rlimit "nproc")', () => {
    const argv = appleContainerArgv(macPlan({ limits: { cpus: 2, memoryMb: 2048, pids: 300, enforced: true } }))
    expect(valuesOf(argv, '--memory')).toEqual(['2048M'])
    expect(valuesOf(argv, '--ulimit')).toEqual(['nproc=300'])
  })

  it('runs as the host uid:gid (Flags.Process.user "uid[:gid]")', () => {
    expect(valuesOf(appleContainerArgv(macPlan()), '--user')).toEqual(['501:20'])
  })

  it('passes secrets by name only: --env NAME takes the value from container\'s own environment (Parser.env)', () => {
    expect(valuesOf(appleContainerArgv(macPlan({ env: { A: '1' }, secretNames: ['OPENAI_API_KEY'] })), '--env')).toEqual(['A=1', 'OPENAI_API_KEY'])
  })

  it('refuses a label value with "=" (Parser.labels: "invalid label format")', () => {
    const err = thrownBy(() => appleContainerArgv(macPlan({ labels: { 'wrapix.workspace': '/Users/ada/a=b' } })))
    expect(err.message).toContain('label wrapix.workspace: /Users/ada/a=b contains "="')
  })

  it('asks for a terminal only for a tty session', () => {
    expect(appleContainerArgv(macPlan({ tty: true }))).toContain('--tty')
    expect(appleContainerArgv(macPlan())).not.toContain('--tty')
  })

  it('is the whole contract of a macOS session (snapshot)', () => {
    const plan = macPlan({ secretNames: ['ANTHROPIC_API_KEY'], network: { mode: 'limit', socketDir: `${SESSION}/net` }, mounts: [...macPlan().mounts, bind(`${SESSION}/net`, '/run/wrapix', true)] })
    expect(appleContainerArgv(plan)).toMatchInlineSnapshot(`
      [
        "run",
        "--rm",
        "--name",
        "wrapix-a1b2c3d4e5f6",
        "--interactive",
        "--init",
        "--cap-drop",
        "ALL",
        "--cpus",
        "2",
        "--memory",
        "4096M",
        "--ulimit",
        "nproc=4096",
        "--network",
        "none",
        "--no-dns",
        "--label",
        "wrapix.managed=true",
        "--label",
        "wrapix.session=a1b2c3d4e5f6",
        "--user",
        "501:20",
        "--mount",
        "type=bind,source=/Users/ada/my app,target=/workspace",
        "--mount",
        "type=bind,source=/tmp/wrapix-501/wrapix/a1b2c3d4e5f6/files,target=/etc/wrapix,readonly",
        "--mount",
        "type=tmpfs,target=/home/wrapix,mode=1777",
        "--volume",
        "/tmp/wrapix-501/wrapix/a1b2c3d4e5f6/net/proxy.sock:/run/wrapix/proxy.sock",
        "--env",
        "LANG=C.UTF-8",
        "--env",
        "IS_SANDBOX=1",
        "--env",
        "ANTHROPIC_API_KEY",
        "--workdir",
        "/workspace",
        "--entrypoint",
        "/bin/sh",
        "localhost/wrapix-base:bookworm",
        "/etc/wrapix/session/entry.sh",
        "true",
      ]
    `)
  })
})
