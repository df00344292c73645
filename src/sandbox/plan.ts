// SandboxPlan: the plain, readonly data the pure planner produces and every backend consumes.
// It round-trips through JSON and never holds a secret value (only secret *names*).
import type { GitLayout } from '../git/git-layout.js'

import type { CredentialRecord, PlannedCredential } from './credential-plan.js'

/** Strongest first. */
export const BOUNDARIES = ['microvm', 'gvisor', 'container'] as const
export type Boundary = (typeof BOUNDARIES)[number]
/** What a user may ask for: a boundary, or `auto` (the strongest this host supports). */
export const BOUNDARY_SETTINGS = ['auto', ...BOUNDARIES] as const
export type BoundarySetting = (typeof BOUNDARY_SETTINGS)[number]

export const NETWORK_MODES = ['limit', 'open', 'none'] as const
export type NetworkMode = (typeof NETWORK_MODES)[number]

export const AGENT_NAMES = ['claude', 'codex', 'gemini', 'shell'] as const
export type AgentName = (typeof AGENT_NAMES)[number]

export interface PlannedBind {
  readonly kind: 'bind'
  readonly source: string // absolute host path, already resolved (no ~, no symlink escape)
  readonly dest: string // absolute path inside the sandbox
  readonly readOnly: boolean
}

export interface PlannedTmpfs {
  readonly kind: 'tmpfs'
  readonly dest: string
  readonly sizeMb?: number
}

export type PlannedMount = PlannedBind | PlannedTmpfs

/**
 * How the sandbox user relates to the invoking host user: files it creates in /workspace belong to the
 * invoking user on the host.
 */
export interface PlannedUser {
  readonly uid: number // uid inside the sandbox
  readonly gid: number
  readonly name: string // user name inside the sandbox
  readonly home: string // home directory inside the sandbox (a tmpfs)
  /**
   * keep-id (rootless podman): the host user is the same id inside. auto (invoked as root): the sandbox's ids
   * are a range of `size` subordinate ids podman allocates per container, and every bind is id-mapped so the
   * sandbox's root reads and writes there as host root. host (invoked as root): no user namespace; `reason`
   * says why (docs/security.md, "The sandbox user as root").
   */
  readonly userns:
    | { readonly kind: 'keep-id' }
    | { readonly kind: 'auto'; readonly size: number }
    | { readonly kind: 'host'; readonly reason: string }
}

/** A file wrapix writes on the host before launch and mounts into the sandbox (bootstrap config). */
export interface PlannedFile {
  readonly dest: string // absolute path inside the sandbox, under FILES_ROOT
  readonly content: string
  readonly mode: number
}

export interface PlannedNetwork {
  readonly mode: NetworkMode
  /** Host directory for the proxy's socket, mounted read-only at PROXY_SOCKET_DIR; null in none mode. */
  readonly socketDir: string | null
}

/**
 * The sandbox's own git dir: the host's `.git` is never visible in the sandbox. `sessionGitDir` (host path,
 * wrapix's) is mounted where git looks; `dotGitFile` is the read-only `.git` file pointing at it when the
 * workspace's `.git` is a file (worktrees, submodules).
 */
export interface PlannedGit {
  readonly layout: GitLayout
  readonly sessionGitDir: string | null
  readonly dotGitFile: string | null
}

export type Backend = 'podman' | 'apple-container'
export type Runtime = 'krun' | 'runsc' | 'crun' | 'apple-container'

export interface SandboxPlan {
  readonly sessionId: string
  readonly backend: Backend
  readonly containerName: string
  readonly boundary: Boundary
  /** Why this boundary: the one line announced at start when `auto` chose it; null when it was asked for. */
  readonly boundaryNote: string | null
  /** What runs the sandbox: an OCI runtime under podman, or Apple's `container` (every container its own VM). */
  readonly runtime: Runtime
  /** The krun runtime's resolved path (a `krun` binary, or crun built with libkrun); null for other runtimes. */
  readonly runtimePath: string | null
  readonly image: string
  readonly profile: string
  readonly agent: AgentName
  readonly workspace: string // host path of the project, mounted at /workspace
  readonly workdir: string
  readonly mounts: readonly PlannedMount[]
  readonly files: readonly PlannedFile[]
  /** Host directory holding `files`, bind-mounted read-only at FILES_ROOT; written by the launcher. */
  readonly filesDir: string
  /** Host directories the launcher creates before start (mount sources wrapix owns, e.g. `.wrapix/log`). */
  readonly hostDirs: readonly string[]
  readonly env: Readonly<Record<string, string>>
  /** Variables whose values come from wrapix's process environment at launch; never in argv. */
  readonly secretNames: readonly string[]
  /**
   * How their values reach the sandbox: `runtime-env`, in the runtime's own environment (`--env NAME`); `file`,
   * in SECRET_ENV_FILE, which the entrypoint reads (krun: crun copies the container's whole config, environment
   * included, into the guest's root filesystem as .krun_config.json, so no secret may be in it).
   */
  readonly secretsVia: 'runtime-env' | 'file'
  /** Agent credentials: which the host proxy injects (no values), and how each was delivered. */
  readonly credentials: {
    readonly injected: readonly PlannedCredential[]
    readonly record: readonly CredentialRecord[]
    readonly notices: readonly string[]
  }
  /** enforced: false when the host cannot delegate cgroups to rootless podman (cgroup v1); the launcher says so. */
  readonly limits: { readonly cpus: number; readonly memoryMb: number; readonly pids: number; readonly enforced: boolean }
  readonly user: PlannedUser
  readonly network: PlannedNetwork
  readonly tty: boolean
  readonly command: readonly string[]
  /** What runs: the agent, an interactive shell, or the user's own command. */
  readonly mode: 'agent' | 'shell' | 'command'
  /** Host directory behind the agent's config directory; its preferences are kept after the session. */
  readonly agentConfigDir: string | null
  /** The agent's own session id, when wrapix chose it (Claude Code: --session-id). */
  readonly agentSessionId: string | null
  readonly labels: Readonly<Record<string, string>>
  readonly git: PlannedGit
}

export const WORKSPACE = '/workspace'
export const SANDBOX_HOME = '/home/wrapix'
/** Everything wrapix writes for a session appears read-only under here. */
export const FILES_ROOT = '/etc/wrapix'
/** Files under here are copied into the (tmpfs) home by the entrypoint. */
export const HOME_SEED = `${FILES_ROOT}/session/home`
export const ENTRYPOINT = `${FILES_ROOT}/session/entry.sh`
/** krun: the secret variables, as shell assignments the entrypoint reads (written by the launcher, mode 0600). */
export const SECRET_ENV_FILE = `${FILES_ROOT}/session/secret-env`
/** The session git dir when the workspace's `.git` is a file (it then says `gitdir: SANDBOX_GIT_DIR`). */
export const SANDBOX_GIT_DIR = `${FILES_ROOT}/git`
/** The host repository's object store, read-only; the session git dir names it in objects/info/alternates. */
export const SANDBOX_HOST_OBJECTS = `${FILES_ROOT}/git-objects`
