// preparePlan(): the edge that gathers files, host facts and path facts, then calls the pure planner.
import { randomBytes, randomUUID } from 'node:crypto'
import { lstatSync, realpathSync, statSync } from 'node:fs'
import { totalmem } from 'node:os'
import { resolve } from 'node:path'
import { execa } from 'execa'
import { loadLayers, loadProfileFor } from '../config/load-layers.js'
import { wrapixPaths, type WrapixPaths } from '../config/paths.js'
import type { ResolvedProfile } from '../config/profiles.js'
import { resolveProfileName, resolveSettings, type ConfigLayers } from '../config/resolve.js'
import type { ResolvedSettings, RunFlagValues } from '../config/settings.js'
import { readGitLayout } from '../git/git-layout.js'
import type { HostFacts } from '../host/facts.js'
import { probeHost } from '../host/probe.js'
import { probeRootUserns, rootSessionPaths } from '../host/root-userns.js'
import { keysDir } from '../keys/key-store.js'
import { agentFor } from '../agents/index.js'
import { effectivePolicy, policyLayersOf, type EffectivePolicy } from '../network/effective-policy.js'
import type { GitIdentity } from '../sandbox/env.js'
import { mountSourcePath, type PathFact, type PathFacts } from '../sandbox/mounts.js'
import type { SandboxPlan } from '../sandbox/plan.js'
import { hostCaBundlePath } from '../sandbox/ca-trust.js'
import { agentPreferencesFile, loadAgentPreferences } from './agent-preferences.js'
import { detectHostOnlyCas } from './auto-ca-trust.js'
import { credentialTable, credentialValue } from '../sandbox/credential-plan.js'
import type { InjectedCredential } from '../network/credentials.js'
import { upstreamProxiesOf, type UpstreamProxies } from '../network/upstream-proxy.js'
import { pathsToProbe, planSandbox, type PlanExtras } from '../sandbox/plan-sandbox.js'

export interface PrepareRequest {
  readonly flags: RunFlagValues
  readonly dir: string | null // DIR operand; null means the current directory
  readonly command: readonly string[] | null
  /** Arguments appended to the agent's own command line (e.g. claude's -p mode for batch tasks). */
  readonly agentArgs?: readonly string[]
  readonly shell: boolean
  readonly tty: boolean
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  readonly host?: HostFacts
  /** Resolves the image reference (builds it when needed); dry runs compute the tag only. */
  readonly image: (profile: ResolvedProfile, host: HostFacts, paths: WrapixPaths) => Promise<string>
  readonly extras?: (workspace: string, host: HostFacts, policy: EffectivePolicy, layers: ConfigLayers) => Promise<PlanExtras & { notices: string[] }>
}

export interface Prepared {
  readonly plan: SandboxPlan
  /** Values of plan.secretNames, for the runtime's environment (never argv, never records). */
  readonly secrets: Readonly<Record<string, string>>
  /** The values to mask wherever they appear: given with -e, passed from the host, credentials (not config values like RUST_LOG=debug). */
  readonly secretValues: readonly string[]
  /** The credentials the host proxy injects, with their values (host memory only). */
  readonly credentials: readonly InjectedCredential[]
  /** The host's own upstream proxy, if any (holds its credentials: host memory only). */
  readonly upstream: UpstreamProxies
  readonly settings: ResolvedSettings
  readonly profile: ResolvedProfile
  readonly policy: EffectivePolicy
  readonly layers: ConfigLayers
  readonly paths: WrapixPaths
  readonly host: HostFacts
  readonly warnings: readonly string[]
}

const newSessionId = (): string => randomBytes(6).toString('hex')

export function pathFact(path: string): PathFact {
  try {
    const link = lstatSync(path)
    const realPath = realpathSync(path)
    return { exists: true, realPath, isDir: statSync(realPath).isDirectory(), isSymlink: link.isSymbolicLink() }
  } catch {
    return { exists: false, realPath: path, isDir: false, isSymlink: false }
  }
}

/** The workspace a run in `cwd` with DIR operand `dir` uses: its real path when it exists. */
export const workspaceOf = (cwd: string, dir: string | null): string => pathFact(resolve(cwd, dir ?? '.')).realPath

async function gitIdentity(cwd: string): Promise<GitIdentity> {
  const r = await execa('git', ['config', '--get-regexp', '^user\\.(name|email)$'], { cwd, reject: false })
  const identity: { name?: string; email?: string } = {}
  if (r.exitCode !== 0) return identity
  for (const line of String(r.stdout).split('\n')) {
    const [key, ...rest] = line.split(' ')
    if (key === 'user.name') identity.name = rest.join(' ')
    if (key === 'user.email') identity.email = rest.join(' ')
  }
  return identity
}

export async function preparePlan(req: PrepareRequest): Promise<Prepared> {
  const env = req.env ?? process.env
  const cwd = req.cwd ?? process.cwd()
  const host = req.host ?? probeHost(env)
  const paths = wrapixPaths(env, host.user.home, host.user.uid)
  const workspacePath = resolve(cwd, req.dir ?? '.')
  const workspaceFact = pathFact(workspacePath)
  const workspace = workspaceFact.realPath

  const layers = loadLayers(paths, workspace)
  const profileName = resolveProfileName(req.flags, env, layers)
  const profile = loadProfileFor(profileName.value, paths, workspace, layers)
  const settings = resolveSettings({ flags: req.flags, env, layers, profileName, profile, hostCpus: host.cpus, hostMemoryMb: Math.floor(totalmem() / 1048576) })
  const { policy, warnings: policyWarnings } = effectivePolicy(policyLayersOf({ layers, settings, profile, allow: req.flags.allow, deny: req.flags.deny }))

  const upstream = upstreamProxiesOf(layers, env)
  const caBundle = hostCaBundlePath(settings, host, cwd)
  const sources = [...settings.mounts.map((m) => mountSourcePath(m.source, host.user.home, cwd)), ...(caBundle ? [caBundle] : [])]
  const facts: Record<string, PathFact> = { [workspacePath]: workspaceFact }
  for (const path of pathsToProbe(workspace, sources)) facts[path] ??= pathFact(path)

  const sessionId = newSessionId()
  const [git, gitLayout, image, extras, agentPreferences] = await Promise.all([
    gitIdentity(workspace),
    readGitLayout(workspace),
    settings.image.value ?? req.image(profile, host, paths),
    req.extras ? req.extras(workspace, host, policy, layers) : Promise.resolve(undefined),
    loadAgentPreferences(agentPreferencesFile(paths.stateDir, settings.agent.value, workspace)),
  ])
  const autoTrust = settings.trustHostCertificates.value === null && caBundle !== null && facts[caBundle]?.exists
    ? await detectHostOnlyCas({ hostBundle: facts[caBundle]!.realPath, image, paths, engine: host.os === 'darwin' ? 'container' : 'podman' })
    : { trust: false, notice: null }
  // As root: whether every path the session binds can be id-mapped for a user namespace of the sandbox's own.
  const gitObjects = gitLayout.kind === 'dir' || gitLayout.kind === 'file' ? [gitLayout.commonDir] : []
  const planHost: HostFacts = host.user.uid === 0 && host.rootUserns === undefined
    ? { ...host, rootUserns: probeRootUserns([...rootSessionPaths(workspace, paths, keysDir(host.user.home)), ...gitObjects, ...sources.map((s) => facts[s]?.realPath ?? s)]) }
    : host
  const plan = planSandbox({
    sessionId,
    settings,
    profile,
    host: planHost,
    workspace: { path: workspacePath, explicit: req.dir !== null },
    pathFacts: facts as PathFacts,
    gitLayout,
    cwd,
    hostEnv: env,
    flagEnvNames: Object.keys(req.flags.env),
    git,
    image,
    command: req.command,
    ...(req.agentArgs ? { agentArgs: req.agentArgs } : {}),
    shell: req.shell,
    tty: req.tty,
    runtimeDir: paths.runtimeDir,
    allowedHosts: policy.allow.map((rule) => rule.text),
    ...(extras ? { extras } : {}),
    launcherPid: process.pid,
    agentSessionId: randomUUID(),
    ...(agentPreferences !== undefined ? { agentPreferences } : {}),
    hostOnlyCas: autoTrust.trust,
  })
  const secrets: Record<string, string> = {}
  // Flag values, then passed host values, then configured values, then the host's credentials.
  for (const name of plan.secretNames) {
    secrets[name] = req.flags.env[name] ?? (settings.passEnv.includes(name) ? env[name] : settings.env[name]?.value) ?? env[name] ?? ''
  }
  const configured = (name: string) => settings.env[name] !== undefined && settings.env[name].source !== 'flag'
  const secretValues = Object.entries(secrets)
    .filter(([name]) => !configured(name) || credentialTable(settings.credentials.entries).some((e) => e.name === name))
    .map(([, value]) => value)
  const agentWarnings = plan.mode === 'agent' ? (agentFor(plan.agent).preflight?.(new Set([...Object.keys(plan.env), ...plan.secretNames])) ?? []) : []
  const credentials = plan.credentials.injected.map((c) => ({ ...c, value: credentialValue(settings, env, c.name) ?? '' }))
  const warnings = [...new Set([...settings.warnings, ...policyWarnings, ...(extras?.notices ?? []), ...(autoTrust.notice ? [autoTrust.notice] : []), ...agentWarnings, ...plan.credentials.notices, ...upstream.warnings])]
  const upstreamSecrets = [upstream.proxies.https, upstream.proxies.http].flatMap((u) => u?.secrets ?? [])
  return { plan, secrets, secretValues: [...secretValues, ...credentials.map((c) => c.value), ...upstreamSecrets], credentials, upstream: upstream.proxies, settings, profile, policy, layers, paths, host: planHost, warnings }
}
