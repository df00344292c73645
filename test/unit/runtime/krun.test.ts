// krun under podman, checked against containers/crun 1.29: src/crun.c (fill_handler_from_argv0: argv[0] "krun"
// selects the handler), src/libcrun/custom-handler.c (run.oci.handler annotation; refused when the name set it),
// src/libcrun/handlers/krun.c and krun.1.md (krun.cpus, krun.ram_mib > 128, krun.use_passt, krun.nested_virt).
import { describe, expect, it } from 'vitest'
import { KRUN_VMM_RESERVE_MB, krunArgs } from '../../../src/runtime/krun.js'
import { podmanArgv } from '../../../src/runtime/podman.js'
import { krunRelayArgv, needsKrunRelay } from '../../../src/runtime/krun-relay.js'
import { entrypointScript } from '../../../src/sandbox/entrypoint.js'
import { valuesOf } from '../helpers/argv.js'
import { aPlan } from '../helpers/plan.js'

const krunPlan = (overrides: Parameters<typeof aPlan>[0] = {}) => aPlan({ boundary: 'microvm', runtime: 'krun', runtimePath: '/usr/bin/krun', ...overrides })

describe('krunArgs', () => {
  it('runs the krun binary it found by path (podman looks up a bare name in containers.conf only)', () => {
    const argv = krunArgs(krunPlan())
    expect(valuesOf(argv, '--runtime')).toEqual(['/usr/bin/krun'])
    // argv[0] "krun" already selects the handler; the annotation as well would be refused by crun.
    expect(valuesOf(argv, '--annotation')).not.toContain('run.oci.handler=krun')
  })

  it('runs crun built with libkrun under its own name with run.oci.handler=krun', () => {
    const argv = krunArgs(krunPlan({ runtimePath: '/usr/bin/crun' }))
    expect(valuesOf(argv, '--runtime')).toEqual(['/usr/bin/crun'])
    expect(valuesOf(argv, '--annotation')).toContain('run.oci.handler=krun')
  })

  it('sizes the guest: whole vCPUs rounded up (1..16), RAM = memory limit minus the VMM reserve', () => {
    const argv = krunArgs(krunPlan({ limits: { cpus: 2.5, memoryMb: 4096, pids: 4096, enforced: true } }))
    expect(valuesOf(argv, '--annotation')).toEqual(expect.arrayContaining(['krun.cpus=3', `krun.ram_mib=${4096 - KRUN_VMM_RESERVE_MB}`]))
    expect(valuesOf(krunArgs(krunPlan({ limits: { cpus: 64, memoryMb: 4096, pids: 1, enforced: true } })), '--annotation')).toContain('krun.cpus=16')
    expect(valuesOf(krunArgs(krunPlan({ limits: { cpus: 0.25, memoryMb: 4096, pids: 1, enforced: true } })), '--annotation')).toContain('krun.cpus=1')
  })

  it('pins passt and nested virtualization off, so an image\'s /.krun_vm.json cannot turn them on (annotations win; 0 is accepted)', () => {
    const annotations = valuesOf(krunArgs(krunPlan()), '--annotation')
    expect(annotations).toContain('krun.use_passt=0')
    expect(annotations).toContain('krun.nested_virt=0')
    expect(annotations.filter((a) => a.startsWith('krun.use_passt='))).toEqual(['krun.use_passt=0'])
  })

  it('adds nothing for other runtimes', () => {
    expect(krunArgs(aPlan({ runtime: 'crun' }))).toEqual([])
  })
})

describe('podmanArgv under krun', () => {
  it('keeps the VMM throttled by --cpus/--memory and gives the guest its size by annotation', () => {
    const argv = podmanArgv(krunPlan())
    expect(valuesOf(argv, '--runtime')).toEqual(['/usr/bin/krun'])
    expect(valuesOf(argv, '--cpus')).toEqual(['2'])
    expect(valuesOf(argv, '--memory')).toEqual(['4096m'])
    expect(valuesOf(argv, '--annotation')).toContain(`krun.ram_mib=${4096 - KRUN_VMM_RESERVE_MB}`)
  })

  it('passes no secret by --env: crun copies the container config, environment included, into the guest (.krun_config.json)', () => {
    const argv = podmanArgv(krunPlan({ secretNames: ['ANTHROPIC_API_KEY'], secretsVia: 'file' }))
    expect(valuesOf(argv, '--env')).not.toContain('ANTHROPIC_API_KEY')
  })

  it('other runtimes still get secrets by name from podman\'s environment', () => {
    expect(valuesOf(podmanArgv(aPlan({ secretNames: ['ANTHROPIC_API_KEY'] })), '--env')).toContain('ANTHROPIC_API_KEY')
  })
})

describe('krun: the proxy relay beside the microVM', () => {
  // libkrun 1.19 src/libkrun/src/lib.rs: crun's implicit vsock config hijacks AF_INET only (TsiFlags::HIJACK_INET),
  // so the guest's TCP is made by the VMM in the container's namespace, and a mounted unix socket is out of reach.
  const limited = krunPlan({ network: { mode: 'limit', socketDir: '/run/user/1000/wrapix/a1b2c3d4e5f6/net' } })

  it('joins the relay container\'s network namespace instead of a namespace of its own', () => {
    expect(valuesOf(podmanArgv(limited), '--network')).toEqual(['container:wrapix-a1b2c3d4e5f6-relay'])
    expect(valuesOf(podmanArgv(krunPlan()), '--network')).toEqual(['none']) // --network none: nothing to reach
  })

  it('runs the relay as a plain crun container: no network, no capabilities, read-only, the socket directory read-only', () => {
    const argv = krunRelayArgv(limited, '/usr/bin/crun')
    expect(valuesOf(argv, '--name')).toEqual(['wrapix-a1b2c3d4e5f6-relay'])
    expect(valuesOf(argv, '--runtime')).toEqual(['/usr/bin/crun'])
    expect(valuesOf(argv, '--network')).toEqual(['none'])
    expect(valuesOf(argv, '--cap-drop')).toEqual(['all'])
    expect(argv).toEqual(expect.arrayContaining(['--read-only', '--init']))
    expect(valuesOf(argv, '--security-opt')).toEqual(['no-new-privileges'])
    expect(valuesOf(argv, '--label')).toEqual(['wrapix.managed=true', 'wrapix.session=a1b2c3d4e5f6', 'wrapix.role=relay'])
    expect(valuesOf(argv, '--mount')).toEqual(['type=bind,source=/run/user/1000/wrapix/a1b2c3d4e5f6/net,destination=/run/wrapix,ro=true'])
    expect(argv.slice(-6)).toEqual(['localhost/wrapix-base:bookworm', 'socat', '-b', '131072', 'TCP-LISTEN:3128,bind=127.0.0.1,fork,max-children=256,reuseaddr,nodelay,backlog=256', 'UNIX-CONNECT:/run/wrapix/proxy.sock'])
    expect(valuesOf(argv, '--user')).toEqual(['1000:1000'])
  })

  it('bounds the relay outside the VM: a child per connection up to the proxy cap, its own pids and memory', () => {
    const argv = krunRelayArgv(limited, '/usr/bin/crun')
    expect(argv.some((a) => a.includes('max-children=256'))).toBe(true)
    expect(valuesOf(argv, '--pids-limit')).toEqual(['272'])
    expect(valuesOf(argv, '--memory')).toEqual(['256m'])
    // Rootless on cgroup v1: podman cannot apply limits, so none are passed (the plan says so).
    const unlimited = krunPlan({ network: { mode: 'limit', socketDir: '/run/user/1000/wrapix/a1b2c3d4e5f6/net' }, limits: { cpus: 2, memoryMb: 4096, pids: 4096, enforced: false } })
    expect(valuesOf(krunRelayArgv(unlimited, '/usr/bin/crun'), '--pids-limit')).toEqual([])
  })

  it('is needed only when a krun session reaches the network', () => {
    expect(needsKrunRelay(limited)).toBe(true)
    expect(needsKrunRelay(krunPlan())).toBe(false)
    expect(needsKrunRelay({ ...limited, runtime: 'crun' })).toBe(false)
  })

  it('the guest waits for the relay over TCP and starts none of its own', () => {
    const script = entrypointScript([], { proxyRelay: true, relayBeside: true })
    expect(script).toContain('TCP:127.0.0.1:3128')
    expect(script).not.toContain('TCP-LISTEN')
  })
})
