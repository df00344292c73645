// SandboxPlan: the plain, readonly data the pure planner produces and every backend consumes.
// It round-trips through JSON and never holds a secret value (only secret *names*).

export const BOUNDARIES = ['microvm', 'gvisor', 'container'] as const
export type Boundary = (typeof BOUNDARIES)[number]

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

/** How the sandbox user relates to the invoking host user. */
export interface PlannedUser {
  readonly uid: number // host uid of the invoking user
  readonly gid: number
  readonly name: string // user name inside the sandbox
  readonly home: string // home directory inside the sandbox (a tmpfs)
  readonly rootless: boolean // podman runs rootless (user namespace owned by the user)
}

/** A file wrapix writes on the host before launch and mounts into the sandbox (bootstrap config). */
export interface PlannedFile {
  readonly dest: string // absolute path inside the sandbox
  readonly content: string
  readonly mode: number
}

export interface PlannedNetwork {
  readonly mode: NetworkMode
  /** limit/open: the address the in-sandbox forwarder listens on. */
  readonly proxyPort: number
}

export interface SandboxPlan {
  readonly sessionId: string
  readonly containerName: string
  readonly boundary: Boundary
  readonly runtime: 'krun' | 'runsc' | 'crun'
  readonly image: string
  readonly profile: string
  readonly agent: AgentName
  readonly workspace: string // host path of the project, mounted at /workspace
  readonly workdir: string
  readonly mounts: readonly PlannedMount[]
  readonly files: readonly PlannedFile[]
  readonly env: Readonly<Record<string, string>>
  /** Variables whose values come from wrapix's process environment at launch; never in argv. */
  readonly secretNames: readonly string[]
  readonly limits: { readonly cpus: number; readonly memoryMb: number; readonly pids: number }
  readonly user: PlannedUser
  readonly network: PlannedNetwork
  readonly tty: boolean
  readonly interactive: boolean
  readonly command: readonly string[]
  readonly labels: Readonly<Record<string, string>>
}
