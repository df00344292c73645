// `wrapix image build|ls|prune|base`: flag parsing and rendering only; the work is in src/image/.
import type { Command } from 'commander'
import { projectProfilesDir, wrapixPaths, type WrapixPaths } from '../config/paths.js'
import { loadLayers, loadProfileFor } from '../config/load-layers.js'
import { BUILTIN_PROFILES_DIR, type ProfileDirs } from '../config/profiles.js'
import { resolveProfileName } from '../config/resolve.js'
import { emptyFlags } from '../config/settings.js'
import type { HostFacts } from '../host/facts.js'
import { probeHost } from '../host/probe.js'
import { buildBaseImage, DEFAULT_DEBIAN_MIRROR } from '../image/base.js'
import { ensureImage } from '../image/ensure.js'
import { listImages } from '../image/list-images.js'
import { pruneImages } from '../image/prune-images.js'
import { printJson, startProgress, type GlobalOptions } from './output.js'

interface Context {
  readonly host: HostFacts
  readonly paths: WrapixPaths
  readonly dirs: ProfileDirs
}

function context(env: NodeJS.ProcessEnv = process.env, workspace = process.cwd()): Context {
  const host = probeHost(env)
  const paths = wrapixPaths(env, host.user.home, host.user.uid)
  return { host, paths, dirs: { project: projectProfilesDir(workspace), user: paths.userProfilesDir, builtin: BUILTIN_PROFILES_DIR } }
}

export function registerImageCommands(program: Command): void {
  const image = program.command('image').description('build, list and prune the images wrapix makes from profiles')

  image
    .command('build')
    .description("build the profile's image now (wrapix also builds it on first use)")
    .option('-p, --profile <name>', 'profile to build (default: the one `wrapix` would use here)')
    .option('--no-cache', 'rebuild even if the image exists, without podman layer cache')
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<{ profile?: string; cache: boolean } & GlobalOptions>()
      const ctx = context()
      const workspace = process.cwd()
      // The same gate as a run: a project profile builds only once approved (its baseImage and packages run in podman build).
      const layers = loadLayers(ctx.paths, workspace)
      const name = flags.profile ?? resolveProfileName(emptyFlags(), process.env, layers).value
      const { profile } = loadProfileFor(name, ctx.paths, workspace, layers)
      const progress = await startProgress(`image for profile ${name}`, flags)
      try {
        const result = await ensureImage(name, profile, ctx.host, {
          noCache: !flags.cache,
          paths: ctx.paths,
          onProgress: (step) => progress.update(step),
        })
        progress.succeed(result.built ? `built ${result.ref}` : `${result.ref} is up to date`)
        if (flags.json) printJson({ ok: true, profile: name, ref: result.ref, built: result.built })
        else process.stdout.write(`${result.ref}\n`)
      } catch (err) {
        progress.fail(`image for profile ${name}`)
        throw err
      }
    })

  image
    .command('ls')
    .description('list the images wrapix built (profile, tag, size, age, in use); --json for JSON')
    .action(async (_flags: unknown, cmd: Command) => {
      const ctx = context()
      const rows = await listImages({ dirs: ctx.dirs, host: ctx.host, env: process.env })
      // --json is wrapix's global flag
      if (cmd.optsWithGlobals<{ json?: boolean }>().json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
      if (rows.length === 0) return void process.stdout.write('no wrapix images (they are built on first use, or with: wrapix image build)\n')
      const table = [['PROFILE', 'IMAGE', 'SIZE', 'AGE', 'IN USE', 'CURRENT'], ...rows.map((r) => [
        r.profile, r.ref, formatSize(r.sizeBytes), formatAge(r.createdAt), r.inUseBy.length > 0 ? r.inUseBy.join(',') : '-', r.current ? 'yes' : 'no',
      ])]
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)))
      for (const row of table) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}\n`)
    })

  image
    .command('prune')
    .description('remove stale wrapix images (never a current one, one a container uses, or another tool’s)')
    .option('--dry-run', 'only show what would be removed')
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<{ dryRun?: boolean } & GlobalOptions>()
      const ctx = context()
      const outcomes = await pruneImages({ dirs: ctx.dirs, host: ctx.host, env: process.env, dryRun: flags.dryRun ?? false })
      if (flags.json) return printJson({ ok: true, dryRun: flags.dryRun ?? false, removed: outcomes.filter((o) => o.removed).length, outcomes })
      for (const o of outcomes) {
        const line =
          o.action === 'keep' ? `kept     ${o.ref} (${o.reason})`
          : flags.dryRun ? `would remove ${o.ref}`
          : o.removed ? `removed  ${o.ref}`
          : `kept     ${o.ref} (${o.error})`
        process.stdout.write(`${line}\n`)
      }
      const removed = outcomes.filter((o) => o.removed).length
      if (!flags.dryRun) process.stdout.write(`${removed} image${removed === 1 ? '' : 's'} removed\n`)
    })

  image
    .command('base')
    .description('make the Debian bookworm base image locally with debootstrap (no container registry needed)')
    .option('--mirror <url>', 'Debian mirror', DEFAULT_DEBIAN_MIRROR)
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<{ mirror: string } & GlobalOptions>()
      const ctx = context()
      const progress = await startProgress('debootstrap', flags)
      try {
        const { ref } = await buildBaseImage({
          mirror: flags.mirror,
          paths: ctx.paths,
          uid: ctx.host.user.uid,
          onProgress: (step) => progress.update(step),
        })
        progress.succeed(`made ${ref}`)
        if (flags.json) printJson({ ok: true, ref })
        else process.stdout.write(`${ref}\n`)
      } catch (err) {
        progress.fail('wrapix image base')
        throw err
      }
    })
}

const formatSize = (bytes: number): string =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : bytes >= 1e6 ? `${Math.round(bytes / 1e6)} MB` : `${Math.round(bytes / 1e3)} kB`

function formatAge(iso: string, now = Date.now()): string {
  const s = Math.max(0, (now - Date.parse(iso)) / 1000)
  if (s < 120) return `${Math.round(s)}s`
  if (s < 7200) return `${Math.round(s / 60)}m`
  if (s < 172800) return `${Math.round(s / 3600)}h`
  return `${Math.round(s / 86400)}d`
}
