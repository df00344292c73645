// planSandbox(): resolved settings + profile + host facts + workspace → SandboxPlan. Pure: no fs, no env, no clock.
import { join } from 'node:path'
import { agentFor } from '../agents/index.js'
import type { ResolvedProfile } from '../config/profiles.js'
import type { ResolvedSettings } from '../config/settings.js'
import { WrapixError } from '../errors.js'
import type { HostFacts } from '../host/facts.js'
import { PROXY_PORT, PROXY_SOCKET_DIR, PROXY_SOCKET_NAME, proxyEnv, usesProxy } from '../runtime/podman-network.js'
import { planCredentials } from './credential-plan.js'
import { chooseBoundary } from './boundary.js'
import { planCaTrust } from './ca-trust.js'
import { entrypointScript } from './entrypoint.js'
import { planEnv, type GitIdentity } from './env.js'
import type { GitLayout } from '../git/git-layout.js'
import { planGitMounts } from './git-mounts.js'
import { planBinds, sensitiveReason, type PathFacts } from './mounts.js'
import { ENTRYPOINT, FILES_ROOT, WORKSPACE, type PlannedBind, type PlannedFile, type PlannedMount, type SandboxPlan } from './plan.js'
import { planUser } from './user.js'
import { KRUN_MIN_GUEST_MB, KRUN_VMM_RESERVE_MB, krunGuestMemoryMb } from '../runtime/krun.js'
import { guestAccounts } from './guest-accounts.js'

/** What other parts of wrapix add to a session (deploy keys, for example). */
export interface PlanExtras {
  readonly binds: readonly PlannedBind[]
  readonly env: Readonly<Record<string, string>>
  readonly files: readonly PlannedFile[]
}

export interface PlanInput {
  readonly sessionId: string
  readonly settings: ResolvedSettings
  readonly profile: ResolvedProfile
  readonly host: HostFacts
  readonly workspace: { readonly path: string; readonly explicit: boolean }
  readonly pathFacts: PathFacts
  /** The workspace's git layout on the host, read at the edge (readGitLayout). */
  readonly gitLayout: GitLayout
  readonly cwd: string
  readonly hostEnv: Readonly<Record<string, string | undefined>>
  readonly flagEnvNames: readonly string[]
  readonly git: GitIdentity
  readonly image: string
  readonly command: readonly string[] | null // the user's command; null runs the agent
  readonly agentArgs?: readonly string[] // appended to the agent's command line (batch tasks)
  readonly shell: boolean
  readonly tty: boolean
  readonly runtimeDir: string
  readonly allowedHosts: readonly string[]
  readonly extras?: PlanExtras
  readonly launcherPid?: number
  readonly agentSessionId?: string
  /** What the agent kept from this project's last session (see AgentPreferences). */
  readonly agentPreferences?: unknown
  /** Found at the edge when tls.trustHostCertificates is unset: the host trusts CAs the image does not. */
  readonly hostOnlyCas?: boolean
}

const GVISOR_MIN_PIDS = 256

export function planSandbox(input: PlanInput): SandboxPlan {
  const { settings, host } = input
  const { backend, boundary, runtime, runtimePath, note } = chooseBoundary(settings.boundary, host, settings.minimumBoundary)
  const user = planUser(host, boundary)
  if (boundary === 'gvisor' && settings.pidsLimit.value < GVISOR_MIN_PIDS) {
    // gVisor's own sentry and gofer threads count toward the cgroup's pids limit; below this it dies silently.
    throw new WrapixError('usage', `--pids-limit ${settings.pidsLimit.value} is too low for the gvisor boundary`, `use at least ${GVISOR_MIN_PIDS} (gVisor's own threads count toward it), or --boundary container`)
  }
  if (runtime === 'krun' && krunGuestMemoryMb(settings.memoryMb.value) < KRUN_MIN_GUEST_MB) {
    // The VMM shares the memory limit with the guest: too little left and crun would size the guest to the whole limit.
    throw new WrapixError('usage', `--memory ${settings.memoryMb.value}m is too low for the microvm boundary`, `use at least ${KRUN_MIN_GUEST_MB + KRUN_VMM_RESERVE_MB}m (${KRUN_VMM_RESERVE_MB} MiB of it is kept for the VMM)`)
  }
  const workspace = planWorkspace(input)
  const networkMode = settings.networkMode.value
  // The proxy's socket directory, mounted read-only: the in-sandbox relay's only way out (limit and open).
  const socketDir = usesProxy(networkMode) ? join(input.runtimeDir, input.sessionId, 'net') : null
  if (socketDir) checkSocketPath(join(socketDir, PROXY_SOCKET_NAME), host.os)
  const agent = agentFor(settings.agent.value)
  const parts = agent.parts({
    boundary,
    networkMode,
    allowedHosts: input.allowedHosts,
    traffic: input.profile.profile.agentTraffic,
    ...(input.agentPreferences !== undefined ? { preferences: input.agentPreferences } : {}),
    ...(input.agentSessionId ? { agentSessionId: input.agentSessionId } : {}),
  })

  const caTrust = planCaTrust({ trust: settings.trustHostCertificates.value ?? input.hostOnlyCas ?? false, settings, host, cwd: input.cwd, facts: input.pathFacts })
  const credentials = planCredentials({
    settings,
    hostEnv: input.hostEnv,
    entries: settings.credentials.entries,
    delivery: settings.credentials.delivery,
    networkMode,
    sessionId: input.sessionId,
    proxyUrl: `http://127.0.0.1:${PROXY_PORT}`,
  })
  const { env, secretNames } = planEnv({
    credentials,
    settings,
    flagEnvNames: input.flagEnvNames,
    hostEnv: input.hostEnv,
    agentEnv: { ...parts.env, ...caTrust.env, ...(input.extras?.env ?? {}) },
    networkEnv: proxyEnv(networkMode),
    git: input.git,
    sessionId: input.sessionId,
    user,
    tty: input.tty,
    backend,
  })
  // krun: crun writes the whole container config, environment included, into the guest's root filesystem
  // (crun 1.29 src/libcrun/handlers/krun.c, KRUN_CONFIG_FILE, mode 0444); secret values must not be in it.
  const secretsVia = runtime === 'krun' ? ('file' as const) : ('runtime-env' as const)

  const sessionDir = join(input.runtimeDir, input.sessionId)
  const filesDir = join(sessionDir, 'files')
  const gitMounts = planGitMounts(input.gitLayout, sessionDir)
  const agentConfigDir = agent.preferences ? join(sessionDir, 'agent-config') : null
  // macOS: Apple's container has no --passwd-entry; the sandbox user's account comes as mounted files.
  const accounts = backend === 'apple-container' ? guestAccounts(user, filesDir) : { files: [], binds: [] }
  const files: PlannedFile[] = checkFiles([
    { dest: ENTRYPOINT, content: entrypointScript(parts.setup, { proxyRelay: socketDir !== null, relayBeside: runtime === 'krun', secretEnvFile: secretsVia === 'file' && secretNames.length > 0 }), mode: 0o755 },
    ...accounts.files,
    ...parts.files,
    ...(input.extras?.files ?? []),
  ])

  const userBinds = planBinds({ requests: settings.mounts, facts: input.pathFacts, home: host.user.home, uid: host.user.uid, base: input.cwd })
  const mounts: PlannedMount[] = [
    { kind: 'bind', source: workspace, dest: WORKSPACE, readOnly: false },
    // The session records live here; the sandbox may read them but never rewrite history.
    { kind: 'bind', source: join(workspace, '.wrapix'), dest: `${WORKSPACE}/.wrapix`, readOnly: true },
    // The host's .git is never visible: the sandbox gets a git dir of its own (docs/git-safety.md).
    ...gitMounts.dotGit,
    ...userBinds,
    { kind: 'bind', source: filesDir, dest: FILES_ROOT, readOnly: true },
    ...accounts.binds,
    ...gitMounts.inFiles,
    ...(socketDir ? [{ kind: 'bind' as const, source: socketDir, dest: PROXY_SOCKET_DIR, readOnly: true }] : []),
    ...(input.extras?.binds ?? []), // after FILES_ROOT: deploy keys appear inside it, at /etc/wrapix/keys
    ...caTrust.binds, // inside FILES_ROOT too, at /etc/wrapix/tls
    { kind: 'tmpfs', dest: user.home },
    // After the home: the agent's config lives on the host for the session, so its preferences can be kept.
    ...(agentConfigDir && agent.preferences ? [{ kind: 'bind' as const, source: agentConfigDir, dest: agent.preferences.configDir, readOnly: false }] : []),
    ...input.profile.profile.writableDirs.map((dest) => ({ kind: 'tmpfs' as const, dest })),
  ]

  const command = input.command ?? (input.shell ? ['bash', '-l'] : [...parts.command, ...(input.agentArgs ?? [])])
  if (command.length === 0) throw new WrapixError('usage', 'the command after -- is empty', 'give a command, e.g. wrapix -- make test')

  return {
    sessionId: input.sessionId,
    backend,
    containerName: `wrapix-${input.sessionId}`,
    boundary,
    boundaryNote: note ?? null,
    runtime,
    runtimePath,
    image: input.image,
    profile: input.profile.name,
    agent: agent.name,
    workspace,
    workdir: WORKSPACE,
    mounts,
    files,
    filesDir,
    hostDirs: [join(workspace, '.wrapix', 'log'), filesDir, ...(agentConfigDir ? [agentConfigDir] : []), ...(socketDir ? [socketDir] : [])],
    agentConfigDir,
    env,
    secretNames,
    secretsVia,
    credentials: { injected: credentials.injected, record: credentials.record, notices: credentials.notices },
    limits: { cpus: settings.cpus.value, memoryMb: settings.memoryMb.value, pids: settings.pidsLimit.value, enforced: limitsEnforced(host) },
    user,
    network: { mode: networkMode, socketDir },
    tty: input.tty,
    command: ['/bin/sh', ENTRYPOINT, ...command],
    mode: input.command ? 'command' : input.shell ? 'shell' : 'agent',
    agentSessionId: !input.command && !input.shell ? (input.agentSessionId ?? null) : null,
    labels: {
      'wrapix.managed': 'true',
      'wrapix.session': input.sessionId,
      'wrapix.workspace': workspace,
      ...(input.launcherPid ? { 'wrapix.pid': String(input.launcherPid) } : {}),
    },
    git: gitMounts.git,
  }
}

/** sun_path is 104 bytes on macOS and 108 on Linux, the terminating NUL included. */
const SOCKET_PATH_MAX: Partial<Record<NodeJS.Platform, number>> = { darwin: 103, linux: 107 }

function checkSocketPath(path: string, os: NodeJS.Platform): void {
  const max = SOCKET_PATH_MAX[os] ?? 103
  if (Buffer.byteLength(path) > max) {
    throw new WrapixError('host', `the session's proxy socket path ${path} is longer than ${os === 'darwin' ? 'macOS' : 'the system'} allows for a unix socket (${max} bytes)`, 'set XDG_RUNTIME_DIR to a shorter directory of your own (mode 0700), e.g. export XDG_RUNTIME_DIR=/tmp/wrapix-$(id -u)-run')
  }
}

/** Rootless podman gets cgroup limits only where the host delegates a cgroup v2 subtree to the user. */
export const limitsEnforced = (host: HostFacts): boolean => host.user.uid === 0 || host.cgroup === 'v2'

function planWorkspace(input: PlanInput): string {
  const fact = input.pathFacts[input.workspace.path]
  if (!fact?.exists || !fact.isDir) {
    throw new WrapixError('usage', `project directory ${input.workspace.path} does not exist`, 'run wrapix inside your project, or name it: wrapix run DIR')
  }
  const path = fact.realPath
  if (path.includes(',')) throw new WrapixError('usage', `project directory ${path} contains a comma`, 'podman cannot mount paths with commas; rename the directory')
  const reason = sensitiveReason(path, input.host.user.home, input.host.user.uid)
  if (reason && !input.workspace.explicit) {
    throw new WrapixError('policy', `refusing to use ${path} as the project: ${reason}`, `cd into a project directory, or name this one explicitly: wrapix run ${path}`)
  }
  const records = input.pathFacts[join(path, '.wrapix')]
  if (records?.isSymlink) {
    throw new WrapixError('policy', `${join(path, '.wrapix')} is a symbolic link`, 'wrapix keeps session records there and will not follow a link out of the project; remove the link')
  }
  return path
}

/** Every host path the planner needs facts about, so the edge can stat them all before planning. */
export function pathsToProbe(workspacePath: string, sources: readonly string[]): string[] {
  return [workspacePath, join(workspacePath, '.wrapix'), ...sources]
}

function checkFiles(files: PlannedFile[]): PlannedFile[] {
  for (const file of files) {
    if (!file.dest.startsWith(`${FILES_ROOT}/`) || file.dest.split('/').includes('..')) {
      throw new WrapixError('internal', `session file ${file.dest} is outside ${FILES_ROOT}`)
    }
  }
  return files
}
