// Choosing the isolation boundary from the resolved setting and the host facts. Never weakens silently.
import { WrapixError } from '../errors.js'
import type { HostFacts } from '../host/facts.js'
import type { Sourced } from '../config/settings.js'
import type { Backend, Boundary, SandboxPlan } from './plan.js'

const WAYS_FORWARD = 'or choose a weaker boundary explicitly: --boundary gvisor (runsc), --boundary container (crun), or WRAPIX_NO_MICROVM=1'

export function chooseBoundary(boundary: Sourced<Boundary>, host: HostFacts): { backend: Backend; boundary: Boundary; runtime: SandboxPlan['runtime'] } {
  if (host.os === 'darwin') {
    // Every Apple container is its own lightweight VM: the strongest boundary the Mac offers.
    if (!host.appleContainer) {
      throw new WrapixError('host', "Apple's container CLI is not installed", 'install it from https://github.com/apple/container/releases (macOS 26 or later), then run: container system start')
    }
    return { backend: 'apple-container', boundary: 'microvm', runtime: 'krun' }
  }
  if (host.os !== 'linux') throw new WrapixError('host', `wrapix does not support ${host.os} yet`, 'use Linux (podman) or macOS (Apple container)')
  if (!host.podman.path) {
    throw new WrapixError('host', 'podman is not installed', 'install it: sudo apt install podman crun (Debian/Ubuntu) or sudo dnf install podman (Fedora)')
  }
  switch (boundary.value) {
    case 'microvm': {
      const missing = [
        ...(host.kvm.usable ? [] : [`a usable /dev/kvm (${host.kvm.reason ?? 'not usable'})`]),
        ...(host.runtimes.krun ? [] : ['a krun runtime (krun, or crun built with libkrun)']),
      ]
      if (missing.length > 0) {
        throw new WrapixError('host', `the microvm boundary needs ${missing.join(' and ')}`, `enable KVM and install krun (e.g. dnf install crun-krun), ${WAYS_FORWARD}`)
      }
      return { backend: 'podman', boundary: 'microvm', runtime: 'krun' }
    }
    case 'gvisor':
      if (!host.runtimes.runsc) throw new WrapixError('host', 'the gvisor boundary needs runsc, which is not installed', 'install it: sudo apt install runsc (or see gvisor.dev/docs/user_guide/install), or use --boundary container')
      return { backend: 'podman', boundary: 'gvisor', runtime: 'runsc' }
    case 'container':
      if (!host.runtimes.crun) throw new WrapixError('host', 'the container boundary needs crun, which is not installed', 'install it: sudo apt install crun')
      return { backend: 'podman', boundary: 'container', runtime: 'crun' }
  }
}
