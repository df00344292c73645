// Resolving settings: flags > WRAPIX_* env (a dev shell's WRAPIX_DEVSHELL_PROFILE names the profile) > project file > user file > profile > defaults, keeping each value's source.
// Pure: files are already loaded, host facts are passed in.
import { WrapixError } from '../errors.js'
import { AGENT_NAMES, BOUNDARIES, BOUNDARY_SETTINGS, NETWORK_MODES, type AgentName, type Boundary, type BoundarySetting, type NetworkMode } from '../sandbox/plan.js'
import { isApproved, staleApprovalNote } from './approval.js'
import type { CredentialEntry } from '../network/credentials.js'
import type { LoadedFile } from './load.js'
import { DEVSHELL_PROFILE, type ResolvedProfile } from './profiles.js'
import { ImageRef, type Config } from './schema.js'
import type { ResolvedSettings, RunFlagValues, Source, Sourced } from './settings.js'
import { parseCpus, parseMemoryMb, parsePositiveInt } from './values.js'

export const DEFAULTS = { profile: 'base', agent: 'claude', boundary: 'auto', memoryMb: 4096, pidsLimit: 4096, networkMode: 'limit', logRetentionDays: 90 } as const

export interface ConfigLayers {
  readonly user: LoadedFile<Config> | null
  readonly project: LoadedFile<Config> | null
}

/** The project file lives in the workspace the agent can write: it may widen the sandbox only once approved on the host. */
export const projectApproved = (layers: ConfigLayers): boolean => isApproved(layers.user?.value, layers.project)

const APPROVE_HINT = 'approve the file with: wrapix policy approve'

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

/**
 * The user config's minimum; a project file may only raise it (the stronger of the two wins), so a file the
 * agent can write never lowers it.
 */
function resolveMinimumBoundary(layers: ConfigLayers): Sourced<Boundary | null> {
  const user = layers.user?.value.minimumBoundary
  const project = layers.project?.value.minimumBoundary
  const rank = (b: Boundary): number => BOUNDARIES.indexOf(b)
  if (project && (!user || rank(project) < rank(user))) return { value: project, source: 'project', file: layers.project!.file }
  if (user) return { value: user, source: 'user', file: layers.user!.file }
  return { value: null, source: 'default' }
}

export function resolveProfileName(flags: RunFlagValues, env: NodeJS.ProcessEnv, layers: ConfigLayers): Sourced<string> {
  return pick<string>(
    [
      [flags.profile, 'flag'],
      [env.WRAPIX_PROFILE || undefined, 'env'],
      [env.WRAPIX_DEVSHELL_PROFILE ? DEVSHELL_PROFILE : undefined, 'env'],
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
  /** The host's memory; when known, a limit above it is refused. */
  hostMemoryMb?: number
}): ResolvedSettings {
  const { flags, env, layers, profile } = args
  const user = layers.user
  const project = layers.project
  const approved = projectApproved(layers)
  const warnings: string[] = []
  const stale = staleApprovalNote(user?.value, project)
  if (stale) warnings.push(stale)
  const profileFile = profile.chain.at(-1)?.file
  // What only an approved project file may set; each ignored value is named in a warning.
  const gated = <T>(value: T | undefined, what: string, why: string): T | undefined => {
    if (value === undefined || approved) return value
    warnings.push(`${project!.file}: ignoring ${what} (${why}); ${APPROVE_HINT}`)
    return undefined
  }

  const noMicrovm = env.WRAPIX_NO_MICROVM !== undefined && !['', '0', 'false'].includes(env.WRAPIX_NO_MICROVM)
  const boundaryWish = project?.value.boundary
  const projectBoundary = boundaryWish === 'microvm' ? boundaryWish : gated(boundaryWish, `boundary "${boundaryWish}"`, 'a project file may not weaken the sandbox')
  const boundary = pick<BoundarySetting>(
    [
      [flags.boundary, 'flag'],
      [envChoice(env, 'WRAPIX_BOUNDARY', BOUNDARY_SETTINGS), 'env'],
      [noMicrovm ? 'container' : undefined, 'env'],
      [projectBoundary, 'project', project?.file],
      [user?.value.boundary, 'user', user?.file],
    ],
    DEFAULTS.boundary,
  )
  const minimumBoundary = resolveMinimumBoundary(layers)

  const resource = <K extends 'cpus' | 'memoryMb' | 'pidsLimit'>(key: K, flag: number | undefined, envName: string, parse: (raw: string, what: string) => number, fallback: number) => {
    const below = pick<number>([[user?.value.resources[key], 'user', user?.file], [profile.profile.resources[key], 'profile', profileFile]], fallback)
    // A project file may only lower a limit, approved or not: the limits protect the host.
    let fromProject = project?.value.resources[key]
    if (fromProject !== undefined && fromProject > below.value) {
      warnings.push(`${project!.file}: ignoring resources.${key}: ${fromProject} (a project file may only lower the limit of ${below.value}); set it in your user config or pass it as a flag`)
      fromProject = undefined
    }
    return pick<number>([[flag, 'flag'], [envValue(env, envName, parse), 'env'], [fromProject, 'project', project?.file], [below.value, below.source, below.file]], fallback)
  }

  const envVars: Record<string, Sourced<string>> = {}
  const addEnv = (vars: Record<string, string> | undefined, source: Source, file?: string) => {
    for (const [name, value] of Object.entries(vars ?? {})) envVars[name] = file ? { value, source, file } : { value, source }
  }
  addEnv(profile.profile.env, 'profile', profileFile)
  addEnv(user?.value.env, 'user', user?.file)
  const projectEnv = project?.value.env ?? {}
  const envNames = Object.keys(projectEnv)
  addEnv(gated(envNames.length > 0 ? projectEnv : undefined, `env ${envNames.join(', ')}`, 'a project file may not set the environment: LD_PRELOAD, NODE_OPTIONS or a proxy variable runs code or redirects traffic'), 'project', project?.file)
  addEnv(flags.env, 'flag')

  const mounts: ResolvedSettings['mounts'][number][] = []
  const addMounts = (list: Config['mounts'] | undefined, source: Source) => {
    for (const m of list ?? []) mounts.push({ ...m, source_: source, explicit: source === 'flag' })
  }
  addMounts(profile.profile.mounts, 'profile')
  addMounts(user?.value.mounts, 'user')
  if (project && project.value.mounts.length > 0) {
    addMounts(gated(project.value.mounts, `${project.value.mounts.length} mount(s)`, 'a project file may not add host paths'), 'project')
  }
  addMounts(flags.mounts, 'flag')

  const credentials = { entries: [] as CredentialEntry[], delivery: {} as Record<string, 'proxy' | 'env'> }
  const addCredentials = (rows: Config['credentials'] | undefined) => {
    for (const [name, row] of Object.entries(rows ?? {})) {
      if (typeof row === 'string') credentials.delivery[name] = row
      else credentials.entries.push({ name, ...row })
    }
  }
  addCredentials(profile.profile.credentials)
  addCredentials(user?.value.credentials)
  if (project && Object.keys(project.value.credentials).length > 0) {
    if (approved) addCredentials(project.value.credentials)
    else warnings.push(`${project.file}: ignoring credentials (a project file may not decide where your credentials go); approve the file with: wrapix policy approve`)
  }

  return {
    profile: args.profileName,
    agent: pick<AgentName>(
      [
        [flags.agent, 'flag'],
        [envChoice(env, 'WRAPIX_AGENT', AGENT_NAMES), 'env'],
        [gated(project?.value.agent, `agent "${project?.value.agent}"`, 'a project file may not choose which agent, and so which credentials, the sandbox gets'), 'project', project?.file],
        [user?.value.agent, 'user', user?.file],
      ],
      DEFAULTS.agent,
    ),
    boundary,
    minimumBoundary,
    image: pick<string | null>(
      [
        [flags.image === undefined ? undefined : imageRef(flags.image, '--image'), 'flag'],
        [env.WRAPIX_IMAGE ? imageRef(env.WRAPIX_IMAGE, 'WRAPIX_IMAGE') : undefined, 'env'],
        [gated(project?.value.image, `image "${project?.value.image}"`, 'the image receives the agent credentials and deploy keys'), 'project', project?.file],
        [user?.value.image, 'user', user?.file],
        [profile.profile.image, 'profile', profileFile],
      ],
      null,
    ),
    cpus: atMostHost(resource('cpus', flags.cpus, 'WRAPIX_CPUS', parseCpus, defaultCpus(args.hostCpus)), args.hostCpus, ['--cpus', 'WRAPIX_CPUS', 'resources.cpus'], 'CPUs'),
    memoryMb: atMostHost(resource('memoryMb', flags.memoryMb, 'WRAPIX_MEMORY', parseMemoryMb, DEFAULTS.memoryMb), args.hostMemoryMb, ['--memory', 'WRAPIX_MEMORY', 'resources.memoryMb'], 'MiB of memory'),
    pidsLimit: resource('pidsLimit', flags.pidsLimit, 'WRAPIX_PIDS_LIMIT', parsePositiveInt, DEFAULTS.pidsLimit),
    networkMode: pick<NetworkMode>(
      [
        [flags.network, 'flag'],
        [envChoice(env, 'WRAPIX_NETWORK', NETWORK_MODES), 'env'],
        [project?.value.network.mode === 'open' ? gated('open' as const, 'network mode "open"', 'a project file may not widen the network') : project?.value.network.mode, 'project', project?.file],
        [user?.value.network.mode, 'user', user?.file],
        [profile.profile.network.mode, 'profile', profileFile],
      ],
      DEFAULTS.networkMode,
    ),
    env: envVars,
    passEnv: flags.passEnv,
    mounts,
    ...resolveTls(user, project, gated),
    logRetentionDays: retention(project, user, approved, warnings),
    projectApproved: approved,
    credentials,
    warnings,
  }
}

// A shorter retention deletes the session records that show what happened: only an approved project file may shorten it.
function retention(project: LoadedFile<Config> | null, user: LoadedFile<Config> | null, approved: boolean, warnings: string[]): Sourced<number> {
  const below = pick<number>([[user?.value.log.retentionDays, 'user', user?.file]], DEFAULTS.logRetentionDays)
  const days = project?.value.log.retentionDays
  if (days === undefined) return below
  if (days >= below.value || approved) return { value: days, source: 'project', file: project!.file }
  warnings.push(`${project!.file}: ignoring log.retentionDays: ${days} (a project file may not delete session records sooner than ${below.value} days); ${APPROVE_HINT}`)
  return below
}

function imageRef(raw: string, what: string): string {
  const parsed = ImageRef.safeParse(raw)
  if (!parsed.success) throw new WrapixError('usage', `${what} ${JSON.stringify(raw)} is not an image reference`, 'use a reference like registry.example/name:tag (no spaces, no leading "-")')
  return parsed.data
}

/** A limit above what the host has is a mistake wherever it was written (flag, variable or file). */
function atMostHost(value: Sourced<number>, host: number | undefined, [flag, envName, key]: [string, string, string], unit: string): Sourced<number> {
  if (host === undefined || value.source === 'default' || value.value <= host) return value
  const where = value.source === 'flag' ? flag : value.source === 'env' ? envName : `${value.file ?? value.source}: ${key}`
  throw new WrapixError(
    value.source === 'flag' || value.source === 'env' ? 'usage' : 'config',
    `${where} ${value.value}: more ${unit} than this host has (${host})`,
    `use at most ${host}`,
  )
}

/** Half the host's cores, at least 2, never more than the host has. */
export const defaultCpus = (hostCpus: number): number => Math.max(1, Math.min(hostCpus, Math.max(2, Math.floor(hostCpus / 2))))

// Trusting the host's CAs adds a host file to the sandbox and changes what it trusts: a widening, so a
// project file may turn it off but not on (nor name the bundle) until the file is approved.
function resolveTls(
  user: LoadedFile<Config> | null,
  project: LoadedFile<Config> | null,
  gated: <T>(value: T | undefined, what: string, why: string) => T | undefined,
): Pick<ResolvedSettings, 'trustHostCertificates' | 'hostCaBundle'> {
  const projectTrust = project?.value.tls.trustHostCertificates
  const why = "trusting the host's CA bundle widens the sandbox"
  return {
    trustHostCertificates: pick<boolean | null>(
      [
        [projectTrust === true ? gated(true, 'tls.trustHostCertificates: true', why) : projectTrust, 'project', project?.file],
        [user?.value.tls.trustHostCertificates, 'user', user?.file],
      ],
      null,
    ),
    hostCaBundle: pick<string | null>(
      [
        [gated(project?.value.tls.hostBundle, 'tls.hostBundle', why), 'project', project?.file],
        [user?.value.tls.hostBundle, 'user', user?.file],
      ],
      null,
    ),
  }
}
