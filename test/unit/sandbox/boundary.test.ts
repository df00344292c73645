import { describe, expect, it } from 'vitest'
import type { Sourced } from '../../../src/config/settings.js'
import { chooseBoundary } from '../../../src/sandbox/boundary.js'
import { BOUNDARIES as BOUNDARIES_STRONGEST_FIRST, type Boundary } from '../../../src/sandbox/plan.js'
import { thrownBy } from '../helpers/errors.js'
import { aHost } from '../helpers/host.js'

const want = (value: Boundary): Sourced<Boundary> => ({ value, source: 'default' })

describe('chooseBoundary on Linux', () => {
  it.each([
    ['microvm', 'krun'],
    ['gvisor', 'runsc'],
    ['container', 'crun'],
  ] as const)('%s runs under podman with %s when the host has it', (boundary, runtime) => {
    expect(chooseBoundary(want(boundary), aHost())).toEqual({ backend: 'podman', boundary, runtime, runtimePath: boundary === 'microvm' ? '/usr/bin/krun' : null })
  })

  it('hands podman the krun runtime it found (a krun binary, or crun built with libkrun)', () => {
    expect(chooseBoundary(want('microvm'), aHost({ runtimes: { krun: '/usr/bin/crun' } })).runtimePath).toBe('/usr/bin/crun')
  })

  it('microvm without a usable /dev/kvm stops, naming it and both ways forward', () => {
    const err = thrownBy(() => chooseBoundary(want('microvm'), aHost({ kvm: { usable: false, reason: 'no /dev/kvm' } })))
    expect(err.kind).toBe('host')
    expect(err.exitCode).toBe(4)
    expect(err.message).toBe('the microvm boundary needs a usable /dev/kvm (no /dev/kvm)')
    expect(err.hint).toContain('enable KVM and install krun')
    expect(err.hint).toContain('--boundary gvisor')
    expect(err.hint).toContain('--boundary container')
    expect(err.hint).toContain('WRAPIX_NO_MICROVM=1')
  })

  it('microvm without krun stops, naming the runtime', () => {
    const err = thrownBy(() => chooseBoundary(want('microvm'), aHost({ runtimes: { krun: null } })))
    expect(err.message).toBe('the microvm boundary needs a krun runtime (krun, or crun built with libkrun)')
    expect(err.hint).toContain('--boundary gvisor')
  })

  it('microvm without either names both', () => {
    const err = thrownBy(() => chooseBoundary(want('microvm'), aHost({ kvm: { usable: false, reason: 'not in the kvm group' }, runtimes: { krun: null } })))
    expect(err.message).toBe('the microvm boundary needs a usable /dev/kvm (not in the kvm group) and a krun runtime (krun, or crun built with libkrun)')
  })

  it('never falls back to a weaker boundary silently, even when one is available', () => {
    const host = aHost({ kvm: { usable: false, reason: 'no /dev/kvm' } })
    expect(host.runtimes.crun).not.toBeNull()
    expect(() => chooseBoundary(want('microvm'), host)).toThrow(/microvm boundary needs/)
  })

  it('gvisor needs runsc', () => {
    const err = thrownBy(() => chooseBoundary(want('gvisor'), aHost({ runtimes: { runsc: null } })))
    expect(err.kind).toBe('host')
    expect(err.message).toBe('the gvisor boundary needs runsc, which is not installed')
    expect(err.hint).toContain('apt install runsc')
  })

  it('container needs crun', () => {
    const err = thrownBy(() => chooseBoundary(want('container'), aHost({ runtimes: { crun: null } })))
    expect(err.message).toBe('the container boundary needs crun, which is not installed')
    expect(err.hint).toContain('apt install crun')
  })

  it.each(['microvm', 'gvisor', 'container'] as const)('%s without podman names the package to install', (boundary) => {
    const err = thrownBy(() => chooseBoundary(want(boundary), aHost({ podman: { path: null } })))
    expect(err.kind).toBe('host')
    expect(err.message).toBe('podman is not installed')
    expect(err.hint).toContain('apt install podman')
  })

  it('refuses other operating systems', () => {
    expect(thrownBy(() => chooseBoundary(want('container'), aHost({ os: 'win32' }))).message).toBe('wrapix does not support win32 yet')
  })
})

describe('chooseBoundary on macOS', () => {
  const mac = aHost({ os: 'darwin', appleContainer: '/usr/local/bin/container', podman: { path: null }, runtimes: { krun: null, runsc: null, crun: null } })

  it('runs every session in an Apple container VM, recorded as runtime apple-container (not krun)', () => {
    expect(chooseBoundary(want('microvm'), mac)).toEqual({ backend: 'apple-container', boundary: 'microvm', runtime: 'apple-container', runtimePath: null })
  })

  it.each(['gvisor', 'container'] as const)('refuses an explicit --boundary %s instead of ignoring it', (boundary) => {
    const err = thrownBy(() => chooseBoundary({ value: boundary, source: 'flag' }, mac))
    expect(err.kind).toBe('usage')
    expect(err.message).toBe(`--boundary ${boundary} is not available on macOS: every Apple container is its own virtual machine (the microvm boundary); gVisor and shared-kernel containers do not exist on macOS`)
    expect(err.hint).toContain('microvm or auto')
  })

  it('names the config file that asked for a boundary macOS does not have', () => {
    const err = thrownBy(() => chooseBoundary({ value: 'gvisor', source: 'user', file: '/Users/ada/.config/wrapix/config.yaml' }, mac))
    expect(err.message).toMatch(/^boundary \(\/Users\/ada\/\.config\/wrapix\/config\.yaml\) gvisor is not available on macOS/)
  })

  it('names Apple container when it is missing', () => {
    const err = thrownBy(() => chooseBoundary(want('microvm'), aHost({ os: 'darwin', appleContainer: null })))
    expect(err.kind).toBe('host')
    expect(err.message).toBe("Apple's container CLI is not installed")
    expect(err.hint).toContain('github.com/apple/container')
  })
})

describe('chooseBoundary auto: the strongest boundary the host supports', () => {
  const auto: Sourced<'auto'> = { value: 'auto', source: 'default' }
  const min = (value: Boundary): Sourced<Boundary> => ({ value, source: 'user', file: '/home/ada/.config/wrapix/config.yaml' })
  // Every combination of the facts that decide: usable KVM, krun, runsc, crun.
  const combos = [true, false].flatMap((kvm) => [true, false].flatMap((krun) => [true, false].flatMap((runsc) => [true, false].map((crun) => ({ kvm, krun, runsc, crun })))))
  const hostWith = (f: (typeof combos)[number]) =>
    aHost({ kvm: f.kvm ? { usable: true } : { usable: false, reason: 'no /dev/kvm' }, runtimes: { krun: f.krun ? '/usr/bin/krun' : null, runsc: f.runsc ? '/usr/bin/runsc' : null, crun: f.crun ? '/usr/bin/crun' : null } })
  const expected = (f: (typeof combos)[number]): Boundary | null => (f.kvm && f.krun ? 'microvm' : f.runsc ? 'gvisor' : f.crun ? 'container' : null)

  it.each(combos)('kvm=$kvm krun=$krun runsc=$runsc crun=$crun', (facts) => {
    const want = expected(facts)
    for (const floor of [null, ...BOUNDARIES_STRONGEST_FIRST]) {
      const minimum = floor ? min(floor) : { value: null, source: 'default' as const }
      const ok = want !== null && (floor === null || BOUNDARIES_STRONGEST_FIRST.indexOf(want) <= BOUNDARIES_STRONGEST_FIRST.indexOf(floor))
      if (ok) {
        expect(chooseBoundary(auto, hostWith(facts), minimum)).toMatchObject({ backend: 'podman', boundary: want, runtime: { microvm: 'krun', gvisor: 'runsc', container: 'crun' }[want!] })
      } else {
        const err = thrownBy(() => chooseBoundary(auto, hostWith(facts), minimum))
        expect(err.kind).toBe('host')
        expect(err.message).toContain(`no boundary at least as strong as ${floor ?? 'container'} runs on this host`)
        if (floor) expect(err.hint).toContain('lower minimumBoundary')
      }
    }
  })

  it('announces what it chose and what a stronger one lacks, with the fix', () => {
    expect(chooseBoundary(auto, hostWith({ kvm: true, krun: false, runsc: true, crun: true })).note).toBe('boundary gvisor (no krun runtime; install crun-krun for a microVM)')
    expect(chooseBoundary(auto, hostWith({ kvm: false, krun: false, runsc: false, crun: true })).note).toBe(
      'boundary container (no usable /dev/kvm (no /dev/kvm), no krun runtime, no runsc; enable KVM, install crun-krun for a microVM, install runsc for gVisor)')
    expect(chooseBoundary(auto, hostWith({ kvm: true, krun: true, runsc: true, crun: true })).note).toBe('boundary microvm')
  })

  it('an explicit value below the minimum is refused, whatever the host has', () => {
    const err = thrownBy(() => chooseBoundary({ value: 'container', source: 'flag' }, aHost(), min('gvisor')))
    expect(err.kind).toBe('policy')
    expect(err.message).toBe('boundary container is weaker than minimumBoundary gvisor (/home/ada/.config/wrapix/config.yaml)')
    expect(chooseBoundary({ value: 'microvm', source: 'flag' }, aHost(), min('gvisor')).boundary).toBe('microvm')
    expect(chooseBoundary({ value: 'gvisor', source: 'flag' }, aHost(), min('gvisor')).note).toBeUndefined()
  })

  it('macOS is always Apple container, auto included', () => {
    const mac = aHost({ os: 'darwin', appleContainer: '/usr/local/bin/container', podman: { path: null } })
    expect(chooseBoundary(auto, mac, min('microvm'))).toEqual({ backend: 'apple-container', boundary: 'microvm', runtime: 'apple-container', runtimePath: null })
  })
})
