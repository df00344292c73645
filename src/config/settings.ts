// The run settings every layer can set, and the flag values the CLI parsed (already typed; no strings to re-parse).
import type { AgentName, Boundary, BoundarySetting, NetworkMode } from '../sandbox/plan.js'
import type { CredentialEntry } from '../network/credentials.js'
import type { Mount } from './schema.js'

export type Source = 'flag' | 'env' | 'project' | 'user' | 'profile' | 'default'

export interface Sourced<T> {
  readonly value: T
  readonly source: Source
  readonly file?: string // the config/profile file the value came from
}

/** Flag values after parsing; undefined means "not given". */
export interface RunFlagValues {
  profile?: string
  agent?: AgentName
  boundary?: BoundarySetting
  image?: string
  cpus?: number
  memoryMb?: number
  pidsLimit?: number
  network?: NetworkMode
  env: Record<string, string> // -e KEY=VAL and --env-file entries
  passEnv: string[] // -e KEY: pass this host variable
  mounts: Mount[] // -v SRC:DST[:ro|rw]
  allow: string[]
  deny: string[]
  resolve: string[]
}

export const emptyFlags = (): RunFlagValues => ({ env: {}, passEnv: [], mounts: [], allow: [], deny: [], resolve: [] })

export interface ResolvedSettings {
  readonly profile: Sourced<string>
  readonly agent: Sourced<AgentName>
  readonly boundary: Sourced<BoundarySetting>
  /** The weakest boundary `auto` (or an explicit value) may use; null: no minimum. */
  readonly minimumBoundary: Sourced<Boundary | null>
  readonly image: Sourced<string | null>
  readonly cpus: Sourced<number>
  readonly memoryMb: Sourced<number>
  readonly pidsLimit: Sourced<number>
  readonly networkMode: Sourced<NetworkMode>
  readonly env: Readonly<Record<string, Sourced<string>>>
  readonly passEnv: readonly string[]
  readonly mounts: readonly (Mount & { readonly source_: Source; readonly explicit: boolean })[]
  readonly logRetentionDays: Sourced<number>
  /** Whether the user approved the project file (its real path and content): the one answer every widening asks. */
  readonly projectApproved: boolean
  /** null: not set anywhere, so wrapix decides from the host's and the image's bundles. */
  readonly trustHostCertificates: Sourced<boolean | null>
  readonly hostCaBundle: Sourced<string | null>
  /** Extra credential rows and per-variable delivery (profile, user config, an approved project file). */
  readonly credentials: { readonly entries: readonly CredentialEntry[]; readonly delivery: Readonly<Record<string, 'proxy' | 'env'>> }
  readonly warnings: readonly string[]
}
