// The macOS backend (pure): SandboxPlan → argv of Apple's `container run` (every container is its own VM).
// Every flag is checked against apple/container 1.2.2: Sources/Services/ContainerAPIService/Client/Flags.swift
// (what exists) and Parser.swift (how values are split). Run on our Linux machines only against a fake `container`.
import { WrapixError } from '../errors.js'
import type { PlannedMount, SandboxPlan } from '../sandbox/plan.js'
import type { StagedFile } from './apple-staging.js'
import { PROXY_SOCKET_DIR, PROXY_SOCKET_NAME } from './podman-network.js'

/**
 * Characters Apple's parser splits on, so a path holding one would name another path: `--mount` splits on ","
 * then each directive on "=" (keeping only the part before a second "="), `-v` splits on ":", and a label with a
 * second "=" is refused outright (Parser.mount, Parser.volume, Parser.labels).
 */
function checkPath(path: string, what: string, forbidden: readonly string[]): string {
  const found = forbidden.find((c) => path.includes(c))
  if (found) throw new WrapixError('usage', `${what}: ${path} contains "${found}", which Apple's container splits paths on`, 'rename the path, or mount it from a path without "=", "," or ":"')
  return path
}

export function appleContainerArgv(plan: SandboxPlan, staged: readonly StagedFile[] = []): string[] {
  const stagedAt = new Map(staged.map((s) => [s.dest, s.staged]))
  return [
    'run',
    '--rm',
    '--name', plan.containerName,
    '--interactive',
    ...(plan.tty ? ['--tty'] : []),
    '--init', // reaps zombies and forwards signals (Flags.Management.useInit)
    '--cap-drop', 'ALL', // Parser.capabilities accepts ALL
    // Whole CPUs only (Flags.Resource.cpus is an Int64): rounded down, at least one.
    '--cpus', String(Math.max(1, Math.floor(plan.limits.cpus))),
    '--memory', `${plan.limits.memoryMb}M`,
    // No --pids-limit in Apple's CLI: RLIMIT_NPROC caps the sandbox user's processes and threads in the VM instead.
    '--ulimit', `nproc=${plan.limits.pids}`,
    // No network device at all, and no DNS configuration: the proxy socket below is the only way out.
    '--network', 'none',
    '--no-dns',
    ...Object.entries(plan.labels).flatMap(([key, value]) => ['--label', `${key}=${checkPath(value, `label ${key}`, ['='])}`]),
    '--user', `${plan.user.uid}:${plan.user.gid}`,
    ...plan.mounts.flatMap((m) => mountArgs(m, stagedAt)),
    ...Object.entries(plan.env).flatMap(([name, value]) => ['--env', `${name}=${value}`]),
    // `--env NAME`: the value comes from `container`'s own environment (Parser.env), never its argv.
    ...plan.secretNames.flatMap((name) => ['--env', name]),
    '--workdir', plan.workdir,
    '--entrypoint', plan.command[0]!,
    plan.image,
    ...plan.command.slice(1),
  ]
}

function mountArgs(m: PlannedMount, stagedAt: ReadonlyMap<string, string>): string[] {
  if (m.kind === 'tmpfs') {
    // --tmpfs takes a path only; mode and size need the --mount spelling (Parser.mount: both for tmpfs only).
    // Apple's tmpfs has no owner option and is root's: 1777 (sticky) lets the sandbox user write its home.
    const dest = checkPath(m.dest, `tmpfs ${m.dest}`, [',', '='])
    return ['--mount', [`type=tmpfs`, `target=${dest}`, 'mode=1777', ...(m.sizeMb ? [`size=${m.sizeMb}M`] : [])].join(',')]
  }
  if (m.dest === PROXY_SOCKET_DIR) {
    // A mounted unix socket is relayed into the VM over vsock, keeping its mode (RuntimeService: mount.isSocket()
    // → UnixSocketConfiguration, direction .into). `-v`, because `--mount type=bind` refuses non-directories.
    const socket = `${m.source}/${PROXY_SOCKET_NAME}`
    return ['--volume', `${checkPath(socket, 'the proxy socket', [':'])}:${PROXY_SOCKET_DIR}/${PROXY_SOCKET_NAME}`]
  }
  const staged = stagedAt.get(m.dest)
  if (staged) {
    // A single file, copied alone into its own directory (runtime/apple-staging.ts); `-v` accepts files.
    const what = `mount ${m.source}`
    return ['--volume', `${checkPath(staged, what, [':', ','])}:${checkPath(m.dest, what, [':', ','])}:ro`]
  }
  const what = `mount ${m.source}:${m.dest}`
  const source = checkPath(m.source, what, [',', '='])
  const dest = checkPath(m.dest, what, [',', '='])
  return ['--mount', ['type=bind', `source=${source}`, `target=${dest}`, ...(m.readOnly ? ['readonly'] : [])].join(',')]
}
