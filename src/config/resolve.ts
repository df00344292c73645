// Resolving settings: flags > WRAPIX_* env > project file > user file > profile > defaults, keeping each value's source.
// Pure: files are already loaded, host facts are passed in.
import { createHash } from 'node:crypto'
import { WrapixError } from '../errors.js'
import { AGENT_NAMES, BOUNDARIES, NETWORK_MODES, type AgentName, type Boundary, type NetworkMode } from '../sandbox/plan.js'
import type { LoadedFile } from './load.js'
import type { ResolvedProfile } from './profiles.js'
import type { Config } from './schema.js'
import type { ResolvedSettings, RunFlagValues, Source, Sourced } from './settings.js'
import { parseCpus, parseMemoryMb, parsePositiveInt } from './values.js'

export const DEFAULTS = { profile: 'base', agent: 'claude', boundary: 'microvm', memoryMb: 4096, pidsLimit: 4096, networkMode: 'limit', logRetentionDays: 90 } as const

export interface ConfigLayers {
  readonly user: LoadedFile<Config> | null
  readonly project: LoadedFile<Config> | null
}

export const contentHash = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`

/** The project file lives in the workspace the agent can write: it may widen the sandbox only once approved on the host. */
export function projectApproved(layers: ConfigLayers): boolean {
  if (!layers.project) return false
  return (layers.user?.value.approvedPolicies ?? []).includes(contentHash(layers.project.text))
}

type Candidate<T> = [T | undefined, Source, string?]

function pick<T>(candidates: Candidate<T>[], fallback: T): Sourced<T> {
  for (const [value, source, file] of candidates) if (value !== undefined) return file ? { value, source, file } : { value, source }
  return { value: fallback, source: 'default' }
}

function envChoice<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[]): T | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new WrapixError('usage', `${name}=${raw} is not valid`, `use one of: ${allowed.join(', ')}`)
  }
  return raw as T
}

function envValue<T>(env: NodeJS.ProcessEnv, name: string, parse: (raw: string, what: string) => T): T | undefined {
  const raw = env[name]
  return raw === undefined || raw === '' ? undefined : parse(raw, name)
}

export function resolveProfileName(flags: RunFlagValues, env: NodeJS.ProcessEnv, layers: ConfigLayers): Sourced<string> {
  return pick<string>(
    [
      [flags.profile, 'flag'],
      [env.WRAPIX_PROFILE || undefined, 'env'],
      [layers.project?.value.profile, 'project', layers.project?.file],
      [layers.user?.value.profile, 'user', layers.user?.file],
    ],
    DEFAULTS.profile,
  )
}

export function resolveSettings(args: {
  flags: RunFlagValues
  env: NodeJS.ProcessEnv
  layers: ConfigLayers
  profileName: Sourced<string>
  profile: ResolvedProfile
  hostCpus: number
}): ResolvedSettings {
  const { flags, env, layers, profile } = args
  const user = layers.user
  const project = layers.project
  const approved = projectApproved(layers)
  const warnings: string[] = []
  const profileFile = profile.chain.at(-1)?.file

  const noMicrovm = env.WRAPIX_NO_MICROVM !== undefined && !['', '0', 'false'].includes(env.WRAPIX_NO_MICROVM)
  let projectBoundary = project?.value.boundary
  if (projectBoundary && projectBoundary !== 'microvm' && !approved) {
    warnings.push(`${project!.file}: ignoring boundary "${projectBoundary}" (a project file may not weaken the sandbox); approve the file with: wrapix policy approve`)
    projectBoundary = undefined
  }
  const boundary = pick<Boundary>(
    [
      [flags.boundary, 'flag'],
      [envChoice(env, 'WRAPIX_BOUNDARY', BOUNDARIES), 'env'],
      [noMicrovm ? 'container' : undefined, 'env'],
      [projectBoundary, 'project', project?.file],
      [user?.value.boundary, 'user', user?.file],
    ],
    DEFAULTS.boundary,
  )

  const resource = <K extends 'cpus' | 'memoryMb' | 'pidsLimit'>(key: K, flag: number | undefined, envName: string, parse: (raw: string, what: string) => number, fallback: number) =>
    pick<number>(
      [
        [flag, 'flag'],
        [envValue(env, envName, parse), 'env'],
        [project?.value.resources[key], 'project', project?.file],
        [user?.value.resources[key], 'user', user?.file],
        [profile.profile.resources[key], 'profile', profileFile],
      ],
      fallback,
    )

  const envVars: Record<string, Sourced<string>> = {}
  const addEnv = (vars: Record<string, string> | undefined, source: Source, file?: string) => {
    for (const [name, value] of Object.entries(vars ?? {})) envVars[name] = file ? { value, source, file } : { value, source }
  }
  addEnv(profile.profile.env, 'profile', profileFile)
  addEnv(user?.value.env, 'user', user?.file)
  addEnv(project?.value.env, 'project', project?.file)
  addEnv(flags.env, 'flag')

  const mounts: ResolvedSettings['mounts'][number][] = []
  const addMounts = (list: Config['mounts'] | undefined, source: Source) => {
    for (const m of list ?? []) mounts.push({ ...m, source_: source, explicit: source === 'flag' })
  }
  addMounts(profile.profile.mounts, 'profile')
  addMounts(user?.value.mounts, 'user')
  if (project && project.value.mounts.length > 0) {
    if (approved) addMounts(project.value.mounts, 'project')
    else warnings.push(`${project.file}: ignoring ${project.value.mounts.length} mount(s) (a project file may not add host paths); approve the file with: wrapix policy approve`)
  }
  addMounts(flags.mounts, 'flag')

  return {
    profile: args.profileName,
    agent: pick<AgentName>(
      [
        [flags.agent, 'flag'],
        [envChoice(env, 'WRAPIX_AGENT', AGENT_NAMES), 'env'],
        [project?.value.agent, 'project', project?.file],
        [user?.value.agent, 'user', user?.file],
      ],
      DEFAULTS.agent,
    ),
    boundary,
    image: pick<string | null>(
      [
        [flags.image, 'flag'],
        [env.WRAPIX_IMAGE || undefined, 'env'],
        [project?.value.image, 'project', project?.file],
        [user?.value.image, 'user', user?.file],
        [profile.profile.image, 'profile', profileFile],
      ],
      null,
    ),
    cpus: resource('cpus', flags.cpus, 'WRAPIX_CPUS', parseCpus, defaultCpus(args.hostCpus)),
    memoryMb: resource('memoryMb', flags.memoryMb, 'WRAPIX_MEMORY', parseMemoryMb, DEFAULTS.memoryMb),
    pidsLimit: resource('pidsLimit', flags.pidsLimit, 'WRAPIX_PIDS_LIMIT', parsePositiveInt, DEFAULTS.pidsLimit),
    networkMode: pick<NetworkMode>(
      [
        [flags.network, 'flag'],
        [envChoice(env, 'WRAPIX_NETWORK', NETWORK_MODES), 'env'],
        [projectNetworkMode(project, approved, warnings), 'project', project?.file],
        [user?.value.network.mode, 'user', user?.file],
        [profile.profile.network.mode, 'profile', profileFile],
      ],
      DEFAULTS.networkMode,
    ),
    env: envVars,
    passEnv: flags.passEnv,
    mounts,
    logRetentionDays: pick<number>(
      [
        [project?.value.log.retentionDays, 'project', project?.file],
        [user?.value.log.retentionDays, 'user', user?.file],
      ],
      DEFAULTS.logRetentionDays,
    ),
    warnings,
  }
}

/** Half the host's cores, at least 2, never more than the host has. */
export const defaultCpus = (hostCpus: number): number => Math.max(1, Math.min(hostCpus, Math.max(2, Math.floor(hostCpus / 2))))

// `none` narrows, `limit` is the default; only `open` widens and needs approval.
function projectNetworkMode(project: LoadedFile<Config> | null, approved: boolean, warnings: string[]): NetworkMode | undefined {
  const mode = project?.value.network.mode
  if (mode === 'open' && !approved) {
    warnings.push(`${project!.file}: ignoring network mode "open" (a project file may not widen the network); approve the file with: wrapix policy approve`)
    return undefined
  }
  return mode
}
