// The sandbox user: files it creates in /workspace belong to the invoking host user, and as root the sandbox
// is not host root where the boundary and host allow it.
import type { HostFacts } from '../host/facts.js'
import { USERNS_SIZE } from '../host/root-userns.js'
import { SANDBOX_HOME, type Boundary, type PlannedUser } from './plan.js'

/** Why a root session under gVisor has no user namespace (measured on runsc 0.0~20221219, Debian 12). */
export const GVISOR_ROOT_NOTE =
  'runsc rejects id-mapped binds (unknown mount option "idmap"), and without them its file server works on /workspace as a subordinate id (refused by your files, new ones not yours); ' +
  "the sandbox kernel already runs as host nobody in a user namespace runsc makes"
export const MICROVM_ROOT_NOTE = 'krun with a user namespace is untested (no usable KVM on our hosts); the VM kernel is in between'

export function planUser(host: HostFacts, boundary: Boundary): PlannedUser {
  const { uid, gid } = host.user
  if (uid !== 0) {
    // Rootless podman, keep-id: the sandbox user has the host user's own ids inside a user namespace the user owns.
    return { uid, gid, name: 'wrapix', home: SANDBOX_HOME, userns: { kind: 'keep-id' } }
  }
  // Invoked as root, the sandbox user is root (no capabilities, no-new-privileges, podman's seccomp profile):
  // files it creates must be yours. Agents that refuse to run as root honour IS_SANDBOX=1, which wrapix sets.
  const root = { uid: 0, gid: 0, name: 'root', home: SANDBOX_HOME } as const
  if (boundary === 'gvisor') return { ...root, userns: { kind: 'host', reason: GVISOR_ROOT_NOTE } }
  if (boundary === 'microvm') return { ...root, userns: { kind: 'host', reason: MICROVM_ROOT_NOTE } }
  // crun: that root is a subordinate id on the host (a range of its own per session), and id-mapped binds make
  // it host root only on what is bound in — the project, the session's files and sockets.
  if (host.rootUserns?.usable) return { ...root, userns: { kind: 'auto', size: USERNS_SIZE } }
  return { ...root, userns: { kind: 'host', reason: host.rootUserns?.reason ?? 'not probed' } }
}

/** One line for `wrapix config`, `wrapix doctor` and the start of a verbose run: who the sandbox is on the host. */
export function describeSandboxUser(user: PlannedUser, boundary: Boundary): string {
  const { userns } = user
  if (userns.kind === 'keep-id') return `you (uid ${user.uid}), in a user namespace rootless podman makes (keep-id)`
  if (userns.kind === 'auto') return `root inside, a subordinate id on the host: ${userns.size} ids of the "containers" range per session (podman --userns=auto), binds id-mapped`
  const inside = boundary === 'container' ? 'host root without capabilities' : `root inside ${boundary === 'gvisor' ? "gVisor's kernel" : 'the VM'}, no user namespace`
  return `${inside}: ${userns.reason}`
}
