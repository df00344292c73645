// The podman backend, part 1 (pure): SandboxPlan → the exact argv of `podman run`. No fs, no env, no clock.
import type { PlannedMount, SandboxPlan } from '../sandbox/plan.js'
import { krunArgs } from './krun.js'
import { podmanNetworkArgs } from './podman-network.js'
import { setidSeccompPath } from './setid-seccomp.js'

/** podman's whole command line: global options, then `run …`. */
export function podmanArgv(plan: SandboxPlan): string[] {
  const network = podmanNetworkArgs(plan.network.mode, plan.boundary, plan.containerName)
  // Rootless podman cannot use cgroups it was not delegated (cgroup v1): runsc must not try either.
  const cgroups = plan.boundary === 'gvisor' && !plan.limits.enforced ? ['--runtime-flag', 'ignore-cgroups'] : []
  return [...network.global, ...cgroups, ...podmanRunArgv(plan, network.run)]
}

export function podmanRunArgv(plan: SandboxPlan, networkArgs: readonly string[] = podmanNetworkArgs(plan.network.mode, plan.boundary, plan.containerName).run): string[] {
  return [
    'run',
    '--rm',
    '--name', plan.containerName,
    ...(plan.runtime === 'krun' ? krunArgs(plan) : ['--runtime', plan.runtime]),
    ...Object.entries(plan.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    '--init',
    '--interactive',
    ...(plan.tty ? ['--tty'] : []),
    // Hardening: no capabilities at all, no privilege gain through setuid, podman's default seccomp profile.
    '--cap-drop', 'all',
    '--security-opt', 'no-new-privileges',
    // Under gVisor podman's profile is not loaded (no runsc --oci-seccomp): the agent's system calls are
    // answered by gVisor's own kernel (the Sentry), which itself runs under runsc's host seccomp filter, so
    // the host kernel never sees them. runsc 20221219's --oci-seccomp also refuses socat's poll loop, which
    // would cut the in-sandbox proxy relay (no network at all). See docs/security.md, "Boundary".
    ...seccompArgs(plan),
    ...limitArgs(plan.limits),
    ...userArgs(plan),
    '--hostname', 'wrapix',
    ...networkArgs,
    ...plan.mounts.flatMap((m) => mountArgs(m, plan.user.userns.kind === 'auto')),
    ...Object.entries(plan.env).flatMap(([name, value]) => ['--env', `${name}=${value}`]),
    // The value reaches podman's environment, never its argv; under krun not even that (plan.secretsVia: a file).
    ...(plan.secretsVia === 'runtime-env' ? plan.secretNames.flatMap((name) => ['--env', name]) : []),
    '--workdir', plan.workdir,
    '--entrypoint', '[]',
    plan.image,
    ...plan.command,
  ]
}

/** crun: podman's default profile plus the refusal of setuid/setgid modes, written by launch(). */
function seccompArgs(plan: SandboxPlan): string[] {
  const path = setidSeccompPath(plan)
  return path === null ? [] : ['--security-opt', `seccomp=${path}`]
}

function limitArgs(limits: SandboxPlan['limits']): string[] {
  // Without delegated cgroups podman would only warn and ignore them; the launcher says so once instead.
  if (!limits.enforced) return []
  return [
    '--pids-limit', String(limits.pids),
    '--memory', `${limits.memoryMb}m`,
    '--memory-swap', `${limits.memoryMb}m`, // no swap beyond the limit: the limit is the limit
    '--cpus', String(limits.cpus),
  ]
}

export function userArgs(plan: Pick<SandboxPlan, 'user'>): string[] {
  const { user } = plan
  if (user.userns.kind === 'host') return ['--user', `${user.uid}:${user.gid}`]
  // podman allocates a range of its own for each container from the `containers` subordinate ids.
  if (user.userns.kind === 'auto') return ['--userns', `auto:size=${user.userns.size}`, '--user', `${user.uid}:${user.gid}`]
  const passwd = `${user.name}:x:${user.uid}:${user.gid}:wrapix sandbox:${user.home}:/bin/sh`
  return ['--userns', 'keep-id', '--user', `${user.uid}:${user.gid}`, '--passwd-entry', passwd]
}

// planSandbox() refused ',' in paths: podman splits --mount on commas. `idmap` (root in a user namespace): the
// sandbox's ids are mapped back to the host's on this bind, so its root reads and writes here as host root.
function mountArgs(m: PlannedMount, idmap: boolean): string[] {
  if (m.kind === 'tmpfs') {
    // U=true: the tmpfs belongs to the sandbox user (a fresh, private home for every session).
    return ['--mount', ['type=tmpfs', `destination=${m.dest}`, 'U=true', 'tmpfs-mode=0700', ...(m.sizeMb ? [`tmpfs-size=${m.sizeMb}m`] : [])].join(',')]
  }
  return ['--mount', ['type=bind', `source=${m.source}`, `destination=${m.dest}`, ...(m.readOnly ? ['ro=true'] : []), ...(idmap ? ['idmap'] : [])].join(',')]
}
