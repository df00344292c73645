import { describe, expect, it } from 'vitest'
import type { Sourced } from '../../../src/config/settings.js'
import { chooseBoundary } from '../../../src/sandbox/boundary.js'
import type { Boundary } from '../../../src/sandbox/plan.js'
import { thrownBy } from '../helpers/errors.js'
import { aHost } from '../helpers/host.js'

const want = (value: Boundary): Sourced<Boundary> => ({ value, source: 'default' })

describe('chooseBoundary on Linux', () => {
  it.each([
    ['microvm', 'krun'],
    ['gvisor', 'runsc'],
    ['container', 'crun'],
  ] as const)('%s runs under podman with %s when the host has it', (boundary, runtime) => {
    expect(chooseBoundary(want(boundary), aHost())).toEqual({ backend: 'podman', boundary, runtime })
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
  it.each(['microvm', 'gvisor', 'container'] as const)('uses Apple container (a VM per container) whatever was asked (%s)', (boundary) => {
    const mac = aHost({ os: 'darwin', appleContainer: '/usr/local/bin/container', podman: { path: null }, runtimes: { krun: null, runsc: null, crun: null } })
    expect(chooseBoundary(want(boundary), mac)).toEqual({ backend: 'apple-container', boundary: 'microvm', runtime: 'krun' })
  })

  it('names Apple container when it is missing', () => {
    const err = thrownBy(() => chooseBoundary(want('microvm'), aHost({ os: 'darwin', appleContainer: null })))
    expect(err.kind).toBe('host')
    expect(err.message).toBe("Apple's container CLI is not installed")
    expect(err.hint).toContain('github.com/apple/container')
  })
})
