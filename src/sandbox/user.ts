// The sandbox user: files it creates in /workspace belong to the invoking host user.
import type { HostFacts } from '../host/facts.js'
import { SANDBOX_HOME, type PlannedUser } from './plan.js'

export function planUser(host: HostFacts): PlannedUser {
  const { uid, gid } = host.user
  if (uid !== 0) {
    // Rootless podman, keep-id: the sandbox user has the host user's own ids inside a user namespace the user owns.
    return { uid, gid, name: 'wrapix', home: SANDBOX_HOME, userns: { kind: 'keep-id' } }
  }
  // Invoked as root: rootful podman 4.3 cannot mount image layers under a user namespace that maps host root
  // (overlay "permission denied"), and a namespace without it would hand /workspace files to a subordinate id.
  // So the sandbox user is root with no capabilities, no-new-privileges and the default seccomp profile.
  // Agents that refuse to run as root honour IS_SANDBOX=1, which wrapix always sets.
  return { uid: 0, gid: 0, name: 'root', home: SANDBOX_HOME, userns: { kind: 'host' } }
}
