import { describe, expect, it } from 'vitest'
import { dirname, join } from 'node:path'
import { podmanArgv, podmanRunArgv } from '../../../src/runtime/podman.js'
import { globalOptions, valuesOf } from '../helpers/argv.js'
import { aPlan, bind } from '../helpers/plan.js'

describe('podmanRunArgv', () => {
  it.each([
    ['microvm', 'krun'],
    ['gvisor', 'runsc'],
    ['container', 'crun'],
  ] as const)('runs the %s boundary under %s', (boundary, runtime) => {
    expect(valuesOf(podmanRunArgv(aPlan({ boundary, runtime })), '--runtime')).toEqual([runtime])
  })

  it('removes the container afterwards and names it', () => {
    const argv = podmanRunArgv(aPlan())
    expect(argv.slice(0, 2)).toEqual(['run', '--rm'])
    expect(valuesOf(argv, '--name')).toEqual(['wrapix-a1b2c3d4e5f6'])
  })

  it('drops every capability, forbids privilege gain and runs an init', () => {
    const argv = podmanRunArgv(aPlan())
    expect(valuesOf(argv, '--cap-drop')).toEqual(['all'])
    expect(valuesOf(argv, '--cap-add')).toEqual([])
    expect(valuesOf(argv, '--security-opt')).toEqual(['no-new-privileges', `seccomp=${join(dirname(aPlan().filesDir), 'seccomp.json')}`])
    expect(argv).toContain('--init')
    expect(argv).not.toContain('--privileged')
    expect(argv).not.toContain('--publish')
  })

  it('passes the setid seccomp profile to crun only (gVisor and krun take none)', () => {
    expect(valuesOf(podmanRunArgv(aPlan({ runtime: 'runsc', boundary: 'gvisor' })), '--security-opt')).toEqual(['no-new-privileges'])
  })

  it('applies the limits, with no swap beyond the memory limit', () => {
    const argv = podmanRunArgv(aPlan({ limits: { cpus: 1.5, memoryMb: 512, pids: 100, enforced: true } }))
    expect(valuesOf(argv, '--pids-limit')).toEqual(['100'])
    expect(valuesOf(argv, '--memory')).toEqual(['512m'])
    expect(valuesOf(argv, '--memory-swap')).toEqual(['512m'])
    expect(valuesOf(argv, '--cpus')).toEqual(['1.5'])
  })

  it('keeps a project path with spaces in one argv element', () => {
    const argv = podmanRunArgv(aPlan({ mounts: [bind('/home/ada/my project', '/workspace')] }))
    expect(valuesOf(argv, '--mount')).toEqual(['type=bind,source=/home/ada/my project,destination=/workspace'])
  })

  it('marks read-only binds and gives the home tmpfs to the sandbox user', () => {
    const argv = podmanRunArgv(aPlan({ mounts: [bind('/a', '/a', true), { kind: 'tmpfs', dest: '/home/wrapix' }, { kind: 'tmpfs', dest: '/scratch', sizeMb: 64 }] }))
    expect(valuesOf(argv, '--mount')).toEqual([
      'type=bind,source=/a,destination=/a,ro=true',
      'type=tmpfs,destination=/home/wrapix,U=true,tmpfs-mode=0700',
      'type=tmpfs,destination=/scratch,U=true,tmpfs-mode=0700,tmpfs-size=64m',
    ])
  })

  it('passes secrets by name only; values reach podman through its environment', () => {
    const argv = podmanRunArgv(aPlan({ env: { LANG: 'C.UTF-8' }, secretNames: ['ANTHROPIC_API_KEY', 'TOKEN'] }))
    expect(valuesOf(argv, '--env')).toEqual(['LANG=C.UTF-8', 'ANTHROPIC_API_KEY', 'TOKEN'])
  })

  it('keeps an env value with spaces and = in one element', () => {
    expect(valuesOf(podmanRunArgv(aPlan({ env: { MSG: 'a b=c' } })), '--env')).toEqual(['MSG=a b=c'])
  })

  it('asks for a terminal only for a tty session, and always keeps stdin open', () => {
    expect(podmanRunArgv(aPlan({ tty: true }))).toContain('--tty')
    expect(podmanRunArgv(aPlan({ tty: false }))).not.toContain('--tty')
    expect(podmanRunArgv(aPlan())).toContain('--interactive')
  })

  it('maps a rootless user with keep-id and a passwd entry for the tmpfs home', () => {
    const argv = podmanRunArgv(aPlan())
    expect(valuesOf(argv, '--userns')).toEqual(['keep-id'])
    expect(valuesOf(argv, '--user')).toEqual(['1000:1000'])
    expect(valuesOf(argv, '--passwd-entry')).toEqual(['wrapix:x:1000:1000:wrapix sandbox:/home/wrapix:/bin/sh'])
  })

  it('runs as root without a user namespace when the plan says host', () => {
    const argv = podmanRunArgv(aPlan({ user: { uid: 0, gid: 0, name: 'root', home: '/home/wrapix', userns: { kind: 'host', reason: 'gvisor' } } }))
    expect(valuesOf(argv, '--userns')).toEqual([])
    expect(valuesOf(argv, '--user')).toEqual(['0:0'])
    expect(valuesOf(argv, '--mount').every((m) => !m.split(',').includes('idmap'))).toBe(true)
  })

  it('as root in a user namespace: --userns auto with its size, root inside, and every bind id-mapped (tmpfs not)', () => {
    const plan = aPlan({ user: { uid: 0, gid: 0, name: 'root', home: '/home/wrapix', userns: { kind: 'auto', size: 65536 } } })
    const argv = podmanRunArgv(plan)
    expect(valuesOf(argv, '--userns')).toEqual(['auto:size=65536'])
    expect(valuesOf(argv, '--user')).toEqual(['0:0'])
    expect(argv).not.toContain('--passwd-entry')
    const mounts = valuesOf(argv, '--mount')
    const bindCount = plan.mounts.filter((m) => m.kind === 'bind').length
    expect(bindCount).toBeGreaterThan(0)
    expect(mounts.filter((m) => m.startsWith('type=bind,'))).toHaveLength(bindCount)
    for (const m of mounts) expect(m.split(',').includes('idmap')).toBe(m.startsWith('type=bind,'))
    expect(mounts).toContain('type=bind,source=/home/ada/src/app,destination=/workspace,idmap')
  })

  it('ends with the image and the command, entrypoint cleared', () => {
    const argv = podmanRunArgv(aPlan({ command: ['/bin/sh', '/etc/wrapix/session/entry.sh', 'echo', 'a b'] }))
    expect(valuesOf(argv, '--entrypoint')).toEqual(['[]'])
    expect(argv.slice(-5)).toEqual(['localhost/wrapix-base:bookworm', '/bin/sh', '/etc/wrapix/session/entry.sh', 'echo', 'a b'])
  })

  it('puts each label in its own element', () => {
    expect(valuesOf(podmanRunArgv(aPlan({ labels: { 'wrapix.workspace': '/home/ada/my project' } })), '--label')).toEqual(['wrapix.workspace=/home/ada/my project'])
  })
})

describe('podmanArgv (global options + run)', () => {
  it('puts gVisor network flags before run, where podman accepts them', () => {
    const argv = podmanArgv(aPlan({ boundary: 'gvisor', runtime: 'runsc', network: { mode: 'none', socketDir: null } }))
    expect(globalOptions(argv)).toEqual(['--runtime-flag', 'network=none'])
    expect(valuesOf(argv, '--network')).toEqual(['none'])
  })

  it('gVisor in limit mode keeps its own loopback-only stack and may connect to the mounted proxy socket', () => {
    const argv = podmanArgv(aPlan({ boundary: 'gvisor', runtime: 'runsc', network: { mode: 'limit', socketDir: '/run/x/net' } }))
    expect(globalOptions(argv)).toEqual(['--runtime-flag', 'network=none', '--runtime-flag', 'host-uds=open'])
    expect(valuesOf(argv, '--network')).toEqual(['none'])
  })

  it('leaves seccomp under gVisor to runsc\'s own host filter (--oci-seccomp would cut the proxy relay); crun applies podman\'s profile', () => {
    expect(valuesOf(podmanRunArgv(aPlan({ boundary: 'gvisor', runtime: 'runsc' })), '--runtime-flag')).toEqual([])
    expect(valuesOf(podmanRunArgv(aPlan({ boundary: 'container', runtime: 'crun' })), '--runtime-flag')).toEqual([])
  })

  it.each(['container', 'microvm'] as const)('%s has no global options and only loopback in every mode', (boundary) => {
    for (const mode of ['limit', 'open', 'none'] as const) {
      const argv = podmanArgv(aPlan({ boundary, network: { mode, socketDir: mode === 'none' ? null : '/run/x/net' } }))
      expect(globalOptions(argv)).toEqual([])
      // krun's guest reaches the proxy only through the relay beside it, whose namespace it joins (krun-relay.ts).
      expect(valuesOf(argv, '--network')).toEqual([boundary === 'microvm' && mode !== 'none' ? 'container:wrapix-a1b2c3d4e5f6-relay' : 'none'])
    }
  })

  it('drops cgroup limits the host cannot delegate (rootless on cgroup v1), and tells runsc not to try', () => {
    const plan = aPlan({ boundary: 'gvisor', runtime: 'runsc', limits: { cpus: 2, memoryMb: 512, pids: 300, enforced: false } })
    const argv = podmanArgv(plan)
    expect(globalOptions(argv)).toEqual(['--runtime-flag', 'network=none', '--runtime-flag', 'ignore-cgroups'])
    for (const flag of ['--pids-limit', '--memory', '--memory-swap', '--cpus']) expect(argv).not.toContain(flag)
    expect(podmanArgv({ ...plan, limits: { ...plan.limits, enforced: true } })).toContain('--pids-limit')
  })

  it('is the whole contract of a container session (snapshot)', () => {
    const plan = aPlan({ secretNames: ['ANTHROPIC_API_KEY'], tty: true, env: { LANG: 'C.UTF-8', IS_SANDBOX: '1', WRAPIX_SESSION_ID: 'a1b2c3d4e5f6' } })
    expect(podmanArgv(plan)).toMatchInlineSnapshot(`
      [
        "run",
        "--rm",
        "--name",
        "wrapix-a1b2c3d4e5f6",
        "--runtime",
        "crun",
        "--label",
        "wrapix.managed=true",
        "--label",
        "wrapix.session=a1b2c3d4e5f6",
        "--init",
        "--interactive",
        "--tty",
        "--cap-drop",
        "all",
        "--security-opt",
        "no-new-privileges",
        "--security-opt",
        "seccomp=/run/user/1000/wrapix/a1b2c3d4e5f6/seccomp.json",
        "--pids-limit",
        "4096",
        "--memory",
        "4096m",
        "--memory-swap",
        "4096m",
        "--cpus",
        "2",
        "--userns",
        "keep-id",
        "--user",
        "1000:1000",
        "--passwd-entry",
        "wrapix:x:1000:1000:wrapix sandbox:/home/wrapix:/bin/sh",
        "--hostname",
        "wrapix",
        "--network",
        "none",
        "--mount",
        "type=bind,source=/home/ada/src/app,destination=/workspace",
        "--mount",
        "type=bind,source=/run/user/1000/wrapix/a1b2c3d4e5f6/files,destination=/etc/wrapix,ro=true",
        "--mount",
        "type=tmpfs,destination=/home/wrapix,U=true,tmpfs-mode=0700",
        "--env",
        "LANG=C.UTF-8",
        "--env",
        "IS_SANDBOX=1",
        "--env",
        "WRAPIX_SESSION_ID=a1b2c3d4e5f6",
        "--env",
        "ANTHROPIC_API_KEY",
        "--workdir",
        "/workspace",
        "--entrypoint",
        "[]",
        "localhost/wrapix-base:bookworm",
        "/bin/sh",
        "/etc/wrapix/session/entry.sh",
        "true",
      ]
    `)
  })
})
