// Choosing the isolation boundary from the resolved setting and the host facts. Never weakens silently:
// `auto` takes the strongest the host supports and says why in one line; an explicit value is strict.
import { WrapixError } from '../errors.js'
import type { HostFacts } from '../host/facts.js'
import type { Sourced } from '../config/settings.js'
import { BOUNDARIES, type Backend, type Boundary, type BoundarySetting, type SandboxPlan } from './plan.js'

const WAYS_FORWARD = 'or choose a weaker boundary explicitly: --boundary gvisor (runsc), --boundary container (crun), or WRAPIX_NO_MICROVM=1'
const RUNTIME: Record<Boundary, SandboxPlan['runtime']> = { microvm: 'krun', gvisor: 'runsc', container: 'crun' }
// Apple's `container` runs every container in its own VM; it has no gVisor and no shared-kernel mode.
const APPLE_ONLY_MICROVM = 'every Apple container is its own virtual machine (the microvm boundary); gVisor and shared-kernel containers do not exist on macOS'

export interface BoundaryChoice {
  readonly backend: Backend
  readonly boundary: Boundary
  readonly runtime: SandboxPlan['runtime']
  /** krun: the runtime binary podman is given (a `krun`, or crun built with libkrun); null otherwise. */
  readonly runtimePath: string | null
  /** `auto` only: the one line announced at start, e.g. "boundary gvisor (no krun runtime; install crun-krun for a microVM)". */
  readonly note?: string
}

/** What the host lacks for a Linux boundary (empty: it can run it), with the fix for each. */
export function missingFor(boundary: Boundary, host: HostFacts): { what: string; fix: string }[] {
  switch (boundary) {
    case 'microvm':
      return [
        ...(host.kvm.usable ? [] : [{ what: `no usable /dev/kvm (${host.kvm.reason ?? 'not usable'})`, fix: 'enable KVM' }]),
        ...(host.runtimes.krun ? [] : [{ what: 'no krun runtime', fix: 'install crun-krun for a microVM' }]),
      ]
    case 'gvisor':
      return host.runtimes.runsc ? [] : [{ what: 'no runsc', fix: 'install runsc for gVisor' }]
    case 'container':
      return host.runtimes.crun ? [] : [{ what: 'no crun', fix: 'install crun' }]
  }
}

const rank = (b: Boundary): number => BOUNDARIES.indexOf(b)

export function chooseBoundary(setting: Sourced<BoundarySetting>, host: HostFacts, minimum: Sourced<Boundary | null> = { value: null, source: 'default' }): BoundaryChoice {
  if (host.os === 'darwin') {
    // Every Apple container is its own lightweight VM: the strongest boundary the Mac offers.
    if (!host.appleContainer) {
      throw new WrapixError('host', "Apple's container CLI is not installed", 'install it from https://github.com/apple/container/releases (macOS 26 or later), then run: container system start')
    }
    if (setting.value === 'gvisor' || setting.value === 'container') {
      const where = setting.source === 'flag' ? '--boundary' : `boundary (${setting.file ?? setting.source})`
      throw new WrapixError('usage', `${where} ${setting.value} is not available on macOS: ${APPLE_ONLY_MICROVM}`, 'use microvm or auto (the default); a config shared with Linux can set it per host with WRAPIX_BOUNDARY')
    }
    return { backend: 'apple-container', boundary: 'microvm', runtime: 'apple-container', runtimePath: null }
  }
  if (host.os !== 'linux') throw new WrapixError('host', `wrapix does not support ${host.os} yet`, 'use Linux (podman) or macOS (Apple container)')
  if (!host.podman.path) {
    throw new WrapixError('host', 'podman is not installed', 'install it: sudo apt install podman crun (Debian/Ubuntu) or sudo dnf install podman (Fedora)')
  }
  const floor = minimum.value
  const where = `minimumBoundary ${floor} (${minimum.file ?? minimum.source})`
  if (setting.value !== 'auto') {
    if (floor && rank(setting.value) > rank(floor)) {
      throw new WrapixError('policy', `boundary ${setting.value} is weaker than ${where}`, `use --boundary ${floor} or stronger, or --boundary auto`)
    }
    return strict(setting.value, host)
  }
  const allowed = BOUNDARIES.filter((b) => !floor || rank(b) <= rank(floor))
  const chosen = allowed.find((b) => missingFor(b, host).length === 0)
  const stronger = (upTo: Boundary) => BOUNDARIES.slice(0, rank(upTo)).flatMap((b) => missingFor(b, host))
  if (!chosen) {
    const lacks = allowed.flatMap((b) => missingFor(b, host))
    throw new WrapixError('host', `no boundary at least as strong as ${floor ?? 'container'} runs on this host: ${lacks.map((l) => l.what).join(', ')}`, `${lacks.map((l) => l.fix).join('; ')}${floor ? `, or lower ${where}` : ''}`)
  }
  const skipped = stronger(chosen)
  const note = skipped.length === 0 ? `boundary ${chosen}` : `boundary ${chosen} (${skipped.map((s) => s.what).join(', ')}; ${skipped.map((s) => s.fix).join(', ')})`
  return { backend: 'podman', boundary: chosen, runtime: RUNTIME[chosen], runtimePath: chosen === 'microvm' ? host.runtimes.krun : null, note }
}

function strict(boundary: Boundary, host: HostFacts): BoundaryChoice {
  switch (boundary) {
    case 'microvm': {
      const missing = [
        ...(host.kvm.usable ? [] : [`a usable /dev/kvm (${host.kvm.reason ?? 'not usable'})`]),
        ...(host.runtimes.krun ? [] : ['a krun runtime (krun, or crun built with libkrun)']),
      ]
      if (missing.length > 0) {
        throw new WrapixError('host', `the microvm boundary needs ${missing.join(' and ')}`, `enable KVM and install krun (e.g. dnf install crun-krun), ${WAYS_FORWARD}`)
      }
      return { backend: 'podman', boundary: 'microvm', runtime: 'krun', runtimePath: host.runtimes.krun }
    }
    case 'gvisor':
      if (!host.runtimes.runsc) throw new WrapixError('host', 'the gvisor boundary needs runsc, which is not installed', 'install it: sudo apt install runsc (or see gvisor.dev/docs/user_guide/install), or use --boundary container')
      return { backend: 'podman', boundary: 'gvisor', runtime: 'runsc', runtimePath: null }
    case 'container':
      if (!host.runtimes.crun) throw new WrapixError('host', 'the container boundary needs crun, which is not installed', 'install it: sudo apt install crun')
      return { backend: 'podman', boundary: 'container', runtime: 'crun', runtimePath: null }
  }
}
