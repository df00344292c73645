// `wrapix config`: the resolved settings and where each came from; `--explain` lists what a config file can hold.
import { totalmem } from 'node:os'
import { resolve } from 'node:path'
import chalk from 'chalk'
import { z } from 'zod'
import { wrapixPaths, type WrapixPaths } from '../config/paths.js'
import { resolveProfileName, resolveSettings } from '../config/resolve.js'
import { ConfigSchema } from '../config/schema.js'
import { emptyFlags, type ResolvedSettings, type Sourced } from '../config/settings.js'
import type { HostFacts } from '../host/facts.js'
import { chooseBoundary } from '../sandbox/boundary.js'
import { probeHost } from '../host/probe.js'
import { probeRootUserns, rootSessionPaths } from '../host/root-userns.js'
import { keysDir } from '../keys/key-store.js'
import type { Boundary } from '../sandbox/plan.js'
import { describeSandboxUser, planUser } from '../sandbox/user.js'
import { loadLayers, loadProfileFor } from '../config/load-layers.js'
import { pathFact } from '../session/prepare.js'
import { effectivePolicy, policyLayersOf } from '../network/effective-policy.js'
import type { HostRule } from '../network/host-rule.js'
import { upstreamProxiesOf } from '../network/upstream-proxy.js'
import { credentialTable, credentialValue } from '../sandbox/credential-plan.js'
import { redactSecretShapes } from '../session/redact.js'
import { printJson, warn, type GlobalOptions } from './output.js'

export async function configCommand(opts: { dir: string | null; explain?: boolean; profile?: string; globals: GlobalOptions }): Promise<number> {
  if (opts.explain) return explain(opts.globals)
  const host = probeHost()
  const paths = wrapixPaths(process.env, host.user.home, host.user.uid)
  const workspace = pathFact(resolve(opts.dir ?? '.')).realPath
  const layers = loadLayers(paths, workspace)
  const flags = { ...emptyFlags(), ...(opts.profile ? { profile: opts.profile } : {}) }
  const profileName = resolveProfileName(flags, process.env, layers)
  const profile = loadProfileFor(profileName.value, paths, workspace, layers)
  const s = resolveSettings({ flags, env: process.env, layers, profileName, profile, hostCpus: host.cpus, hostMemoryMb: Math.floor(totalmem() / 1048576) })
  const upstream = upstreamProxiesOf(layers, process.env)
  const up = upstream.proxies.https ?? upstream.proxies.http
  const rows: [string, Sourced<unknown>][] = [
    ['profile', s.profile],
    ['agent', s.agent],
    ['boundary', { ...s.boundary, value: boundaryShown(s.boundary, s.minimumBoundary, host) }],
    ['minimumBoundary', { ...s.minimumBoundary, value: s.minimumBoundary.value ?? 'none' }],
    ['image', s.image],
    ['network.mode', s.networkMode],
    ['network.upstreamProxy', up
      ? { value: up.display, source: up.source === 'network.upstreamProxy' ? 'user' : 'env', ...(up.source === 'network.upstreamProxy' ? { file: layers.user?.file } : {}) }
      : { value: 'none (direct)', source: 'default' }],
    ['resources.cpus', s.cpus],
    ['resources.memoryMb', s.memoryMb],
    ['resources.pidsLimit', s.pidsLimit],
    ['log.retentionDays', s.logRetentionDays],
    ['tls.trustHostCertificates', { ...s.trustHostCertificates, value: s.trustHostCertificates.value ?? 'auto' }],
    ['tls.hostBundle', { ...s.hostCaBundle, value: s.hostCaBundle.value ?? '(system bundle)' }],
    ...Object.entries(s.env).map(([name, value]) => [`env.${name}`, value] as [string, Sourced<unknown>]),
  ]
  // The rules a run here would use, each with its source; an unapproved project file's wider rules are
  // dropped by effectivePolicy, which says so in its warnings (rendered below, as a run would).
  const { policy, warnings: policyWarnings } = effectivePolicy(policyLayersOf({ layers, settings: s, profile, allow: [], deny: [] }))
  const rules = (list: readonly HostRule[]) => list.map((r) => ({ rule: r.text, source: r.source }))
  const network = { allowedDomains: rules(policy.allow), deniedDomains: rules(policy.deny) }
  const warnings = [...new Set([...s.warnings, ...policyWarnings, ...upstream.warnings])]
  // The credential table in force: which variable goes to which API and header, and how (never a value).
  const credentials = credentialTable(s.credentials.entries).map((e) => ({
    name: e.name, url: redactSecretShapes(credentialValue(s, process.env, e.baseUrlEnv) ?? e.url), header: e.header, scheme: e.scheme,
    baseUrlEnv: e.baseUrlEnv, delivery: s.credentials.delivery[e.name] ?? 'proxy', set: credentialValue(s, process.env, e.name) !== undefined,
  }))
  const files = { user: paths.userConfigFile, project: layers.project?.file ?? resolve(workspace, '.wrapix/config.yaml'), profile: profile.chain.map((l) => l.file) }
  const sandboxUser = sandboxUserShown(s, host, workspace, paths)
  if (opts.globals.json) {
    printJson({
      ok: true,
      files,
      sandboxUser,
      settings: Object.fromEntries(rows.map(([key, v]) => [key, { value: v.value, source: v.source, ...(v.file ? { file: v.file } : {}) }])),
      mounts: s.mounts.map((m) => ({ source: m.source, dest: m.dest, mode: m.mode, optional: m.optional, from: m.source_ })),
      network,
      credentials,
      warnings,
    })
    return 0
  }
  const width = Math.max(...rows.map(([key]) => key.length), ...Object.entries(network).filter(([, l]) => l.length > 0).map(([k]) => `network.${k}`.length))
  for (const [key, v] of rows) {
    const from = v.file ? `${v.source} ${v.file}` : v.source
    process.stdout.write(`${key.padEnd(width)}  ${String(v.value ?? '(profile image)')}  ${chalk.dim(`← ${from}`)}\n`)
  }
  process.stdout.write(`${'sandbox user'.padEnd(width)}  ${sandboxUser}  ${chalk.dim('← host')}\n`)
  for (const m of s.mounts) process.stdout.write(`${'mount'.padEnd(width)}  ${m.source} → ${m.dest} (${m.mode}${m.optional ? ', optional' : ''})  ${chalk.dim(`← ${m.source_}`)}\n`)
  for (const [key, list] of Object.entries(network)) {
    for (const r of list) process.stdout.write(`${`network.${key}`.padEnd(width)}  ${r.rule}  ${chalk.dim(`← ${r.source}`)}\n`)
  }
  for (const c of credentials) {
    const how = c.delivery === 'env' ? 'passed into the sandbox by value' : `added by the host proxy as ${c.header}${c.scheme === 'bearer' ? ' (Bearer)' : ''}`
    process.stdout.write(`${'credential'.padEnd(width)}  ${c.name} → ${c.url}: ${how}  ${chalk.dim(c.set ? '(set)' : '(not set)')}\n`)
  }
  process.stdout.write(chalk.dim(`\nuser config: ${files.user}${layers.user ? '' : ' (none)'}\nproject config: ${files.project}${layers.project ? '' : ' (none)'}\n`))
  for (const warning of warnings) warn(warning, opts.globals)
  return 0
}

/** `auto` shows what it resolves to on this host, and why (or why nothing runs). */
function boundaryShown(setting: ResolvedSettings['boundary'], minimum: ResolvedSettings['minimumBoundary'], host: HostFacts): string {
  if (setting.value !== 'auto') return setting.value
  try {
    const choice = chooseBoundary(setting, host, minimum)
    return `auto → ${choice.note?.replace(/^boundary /, '') ?? choice.boundary}`
  } catch (err) {
    return `auto → none (${(err as Error).message})`
  }
}

/** Who the sandbox would be on the host (as root: probed for this project and wrapix's own directories). */
function sandboxUserShown(s: ResolvedSettings, host: HostFacts, workspace: string, paths: WrapixPaths): string {
  let boundary: Boundary
  try {
    boundary = chooseBoundary(s.boundary, host, s.minimumBoundary).boundary
  } catch {
    return 'none (no boundary)'
  }
  const probed = host.user.uid === 0 && host.rootUserns === undefined ? { ...host, rootUserns: probeRootUserns(rootSessionPaths(workspace, paths, keysDir(host.user.home))) } : host
  return describeSandboxUser(planUser(probed, boundary), boundary)
}

function explain(globals: GlobalOptions): number {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input' }) as { properties?: Record<string, unknown> }
  if (globals.json) {
    printJson(schema)
    return 0
  }
  const lines: string[] = []
  const walk = (node: Record<string, unknown>, prefix: string) => {
    const props = (node.properties ?? {}) as Record<string, Record<string, unknown>>
    for (const [key, value] of Object.entries(props)) {
      const path = prefix ? `${prefix}.${key}` : key
      const items = value.items as Record<string, unknown> | undefined
      if (value.type === 'object' && value.properties) walk(value, path)
      else lines.push(`${path.padEnd(28)} ${String(value.description ?? '')}`)
      // Lists of objects (mounts, keys.githubHosts) describe each field of an entry too.
      if (value.type === 'array' && items?.properties) walk(items, `${path}[]`)
    }
  }
  walk(schema as Record<string, unknown>, '')
  process.stdout.write(`Settings for ~/.config/wrapix/config.yaml and <project>/.wrapix/config.yaml:\n\n${lines.join('\n')}\n`)
  return 0
}
