// `wrapix config`: the resolved settings and where each came from; `--explain` lists what a config file can hold.
import { resolve } from 'node:path'
import chalk from 'chalk'
import { z } from 'zod'
import { wrapixPaths } from '../config/paths.js'
import { resolveProfileName, resolveSettings } from '../config/resolve.js'
import { ConfigSchema } from '../config/schema.js'
import { emptyFlags, type ResolvedSettings, type Sourced } from '../config/settings.js'
import type { HostFacts } from '../host/facts.js'
import { chooseBoundary } from '../sandbox/boundary.js'
import { probeHost } from '../host/probe.js'
import { loadLayers, loadProfileFor } from '../config/load-layers.js'
import { pathFact } from '../session/prepare.js'
import { printJson, type GlobalOptions } from './output.js'

export async function configCommand(opts: { dir: string | null; explain?: boolean; profile?: string; globals: GlobalOptions }): Promise<number> {
  if (opts.explain) return explain(opts.globals)
  const host = probeHost()
  const paths = wrapixPaths(process.env, host.user.home, host.user.uid)
  const workspace = pathFact(resolve(opts.dir ?? '.')).realPath
  const layers = loadLayers(paths, workspace)
  const flags = { ...emptyFlags(), ...(opts.profile ? { profile: opts.profile } : {}) }
  const profileName = resolveProfileName(flags, process.env, layers)
  const profile = loadProfileFor(profileName.value, paths, workspace, layers)
  const s = resolveSettings({ flags, env: process.env, layers, profileName, profile, hostCpus: host.cpus })
  const rows: [string, Sourced<unknown>][] = [
    ['profile', s.profile],
    ['agent', s.agent],
    ['boundary', { ...s.boundary, value: boundaryShown(s.boundary, s.minimumBoundary, host) }],
    ['minimumBoundary', { ...s.minimumBoundary, value: s.minimumBoundary.value ?? 'none' }],
    ['image', s.image],
    ['network.mode', s.networkMode],
    ['resources.cpus', s.cpus],
    ['resources.memoryMb', s.memoryMb],
    ['resources.pidsLimit', s.pidsLimit],
    ['log.retentionDays', s.logRetentionDays],
    ...Object.entries(s.env).map(([name, value]) => [`env.${name}`, value] as [string, Sourced<unknown>]),
  ]
  const files = { user: paths.userConfigFile, project: layers.project?.file ?? resolve(workspace, '.wrapix/config.yaml'), profile: profile.chain.map((l) => l.file) }
  if (opts.globals.json) {
    printJson({
      ok: true,
      files,
      settings: Object.fromEntries(rows.map(([key, v]) => [key, { value: v.value, source: v.source, ...(v.file ? { file: v.file } : {}) }])),
      mounts: s.mounts.map((m) => ({ source: m.source, dest: m.dest, mode: m.mode, optional: m.optional, from: m.source_ })),
      warnings: s.warnings,
    })
    return 0
  }
  const width = Math.max(...rows.map(([key]) => key.length))
  for (const [key, v] of rows) {
    const from = v.file ? `${v.source} ${v.file}` : v.source
    process.stdout.write(`${key.padEnd(width)}  ${String(v.value ?? '(profile image)')}  ${chalk.dim(`← ${from}`)}\n`)
  }
  for (const m of s.mounts) process.stdout.write(`${'mount'.padEnd(width)}  ${m.source} → ${m.dest} (${m.mode}${m.optional ? ', optional' : ''})  ${chalk.dim(`← ${m.source_}`)}\n`)
  process.stdout.write(chalk.dim(`\nuser config: ${files.user}${layers.user ? '' : ' (none)'}\nproject config: ${files.project}${layers.project ? '' : ' (none)'}\n`))
  for (const warning of s.warnings) process.stderr.write(`${chalk.yellow('wrapix:')} ${warning}\n`)
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
      if (value.type === 'object' && value.properties) walk(value, path)
      else lines.push(`${path.padEnd(28)} ${String(value.description ?? '')}`)
    }
  }
  walk(schema as Record<string, unknown>, '')
  process.stdout.write(`Settings for ~/.config/wrapix/config.yaml and <project>/.wrapix/config.yaml:\n\n${lines.join('\n')}\n`)
  return 0
}
