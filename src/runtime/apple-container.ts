// The macOS backend (pure): SandboxPlan → argv of Apple's `container run` (every container is its own VM).
// Built for real but only argv-tested on our Linux machines (see README).
import type { PlannedMount, SandboxPlan } from '../sandbox/plan.js'

export function appleContainerArgv(plan: SandboxPlan): string[] {
  return [
    'run',
    '--rm',
    '--name', plan.containerName,
    '--interactive',
    ...(plan.tty ? ['--tty'] : []),
    '--cpus', String(Math.max(1, Math.round(plan.limits.cpus))),
    '--memory', `${plan.limits.memoryMb}M`,
    ...Object.entries(plan.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    '--user', `${plan.user.uid}:${plan.user.gid}`,
    ...plan.mounts.flatMap(mountArgs),
    ...Object.entries(plan.env).flatMap(([name, value]) => ['--env', `${name}=${value}`]),
    ...plan.secretNames.flatMap((name) => ['--env', name]),
    '--workdir', plan.workdir,
    '--entrypoint', plan.command[0]!,
    plan.image,
    ...plan.command.slice(1),
  ]
}

function mountArgs(m: PlannedMount): string[] {
  if (m.kind === 'tmpfs') return ['--tmpfs', m.dest]
  return ['--mount', ['type=bind', `source=${m.source}`, `target=${m.dest}`, ...(m.readOnly ? ['readonly'] : [])].join(',')]
}
