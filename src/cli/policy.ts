// `wrapix policy check|log|approve`: flag parsing and rendering only; decisions live in src/network/.
import { mkdir } from 'node:fs/promises'
import { availableParallelism, homedir } from 'node:os'
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { WrapixError } from '../errors.js'
import { approvalOf, configWidenings, profileWidenings, type ApprovableFile } from '../config/approval.js'
import { readOptionalFile, realPathOf } from '../config/load.js'
import { loadLayers, loadProfileFor } from '../config/load-layers.js'
import { projectConfigFile, projectLogDir, projectProfilesDir, wrapixPaths } from '../config/paths.js'
import { parseProfile } from '../config/profiles.js'
import { resolveProfileName, resolveSettings } from '../config/resolve.js'
import type { Mount } from '../config/schema.js'
import { emptyFlags } from '../config/settings.js'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { addApprovedPolicy } from '../network/approve-policy.js'
import { findAuditFile, readAuditEvents } from '../network/audit-files.js'
import type { AuditEvent } from '../network/audit-log.js'
import { effectivePolicy, policyLayersOf } from '../network/effective-policy.js'
import { DEFAULT_PORT } from '../network/host-rule.js'
import { decide, decideAddress } from '../network/policy.js'
import { parseResolveFlags } from '../network/resolve-flags.js'
import { mountSourcePath, sensitiveReason } from '../sandbox/mounts.js'
import { pathFact } from '../session/prepare.js'
import { warn } from './output.js'

const collect = (value: string, previous: string[]): string[] => [...previous, value]

const pathsHere = () => wrapixPaths(process.env, homedir(), process.getuid?.() ?? 0)

/** The layers, profile and settings a `wrapix run` here would use (the same loaders, so the same answers). */
function layersHere(workspace: string, profileFlag?: string) {
  const paths = pathsHere()
  const layers = loadLayers(paths, workspace)
  const flags = { ...emptyFlags(), ...(profileFlag ? { profile: profileFlag } : {}) }
  const profileName = resolveProfileName(flags, process.env, layers)
  const profile = loadProfileFor(profileName.value, paths, workspace, layers)
  const settings = resolveSettings({ flags, env: process.env, layers, profileName, profile, hostCpus: availableParallelism() })
  return { settings, layers, profile }
}

/** "host", "host:port", "[v6]:port" → host and port (443 when none). */
function parseTarget(text: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:[\]]+|[0-9a-fA-F:]+)(?::(\d{1,5}))?$/.exec(text)
  const bareV6 = text.includes(':') && !text.startsWith('[') && text.split(':').length > 2
  const host = bareV6 ? text : (m?.[1] ?? '').replace(/^\[(.*)\]$/, '$1')
  const port = bareV6 || m?.[2] === undefined ? DEFAULT_PORT : Number(m[2])
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new WrapixError('usage', `"${text}" is not HOST[:PORT]`, 'for example: wrapix policy check api.github.com:443')
  }
  return { host, port }
}

/** What `policy approve [FILE]` approves: the project config, or the project profile FILE; and what it may then set. */
function approvalTarget(workspace: string, profileFile?: string): { loaded: ApprovableFile; widens: string[]; mounts: readonly Mount[] } {
  if (profileFile !== undefined && resolve(workspace, profileFile) !== projectConfigFile(workspace)) {
    const file = resolve(workspace, profileFile)
    // Only a project profile (or the one a Nix dev shell generated for this shell) is approved by name:
    // approving any other file (a README, ~/.bashrc) would mean nothing.
    const devShell = pathsHere().devShellProfile
    const isDevShellProfile = devShell !== undefined && file === resolve(devShell)
    if (!isDevShellProfile && (dirname(file) !== projectProfilesDir(workspace) || !/\.ya?ml$/.test(file))) {
      throw new WrapixError('usage', `${profileFile} is not a project profile or the project config`, `approve ${projectConfigFile(workspace)} (no argument) or a file in ${projectProfilesDir(workspace)}/`)
    }
    const text = readOptionalFile(file)
    if (text === null) throw new WrapixError('usage', `no file ${file}`, 'name a project profile, e.g. wrapix policy approve .wrapix/profiles/NAME.yaml')
    const profile = parseProfile(text, file)
    return { loaded: { file, realPath: realPathOf(file), text }, widens: profileWidenings(profile), mounts: profile.mounts }
  }
  // Only the file: a profile or setting this approval is about to allow must not stop it.
  const { project } = loadLayers(pathsHere(), workspace)
  if (!project) throw new WrapixError('usage', `no project config at ${projectConfigFile(workspace)}`, 'run this in the project directory')
  return { loaded: project, widens: configWidenings(project.value), mounts: project.value.mounts }
}

/** Credential stores are mounted only when named on the command line: an approval never lets a file mount one. */
function refuseCredentialMounts(file: string, mounts: readonly Mount[], workspace: string): void {
  const home = homedir()
  for (const mount of mounts) {
    const source = pathFact(mountSourcePath(mount.source, home, workspace)).realPath
    const reason = sensitiveReason(source, home, process.getuid?.() ?? 0)
    if (reason) {
      throw new WrapixError('policy', `refusing to approve ${file}: its mount of ${source}: ${reason}`, `remove the mount from the file; if you need it for one session, name it on the command line: -v ${source}:${mount.dest}`)
    }
  }
}

function formatEvent(e: AuditEvent): string {
  const what = `${e.decision === 'allow' ? 'ALLOW' : 'DENY '} ${e.host}:${e.port}${e.address && e.address !== e.host ? ` → ${e.address}` : ''}`
  const detail = e.decision === 'allow'
    ? `${e.rule ? `rule "${e.rule}" (${e.source})` : ''} ↑${e.bytesUp} ↓${e.bytesDown} ${e.durationMs}ms${e.error ? ` error: ${e.error}` : ''}`
    : e.reason
  return `${e.time}  ${what}  ${detail}`
}

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('the network policy: check a host, read decisions, approve a project file')

  policy
    .command('check')
    .description('show whether the sandbox may reach HOST[:PORT] (default port 443) and which rule decides')
    .argument('<target>', 'HOST[:PORT]')
    .option('-p, --profile <name>', 'profile to check against')
    .option('--allow <host[:port]>', 'as if given to wrapix --allow (repeatable)', collect, [])
    .option('--deny <host[:port]>', 'as if given to wrapix --deny (repeatable)', collect, [])
    .option('--resolve <host:address>', 'check this address for HOST, as the proxy would (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action((target: string, _opts: unknown, cmd: Command) => {
      // optsWithGlobals: the program's global --json takes the flag before this command's own option sees it.
      const flags = cmd.optsWithGlobals<{ profile?: string; allow: string[]; deny: string[]; resolve: string[]; json?: boolean }>()
      const { host, port } = parseTarget(target)
      const here = layersHere(process.cwd(), flags.profile)
      const { policy: eff, warnings: policyWarnings } = effectivePolicy(policyLayersOf({ ...here, allow: flags.allow, deny: flags.deny }))
      const warnings = [...here.settings.warnings, ...policyWarnings]
      let decision = decide(eff, host, port)
      const address = parseResolveFlags(flags.resolve)[host.toLowerCase()]
      if (decision.allowed && address !== undefined) {
        const check = decideAddress(eff, host, address, port)
        if (!check.allowed) decision = check
      }
      for (const w of warnings) process.stderr.write(`wrapix: warning: ${w}\n`)
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ host, port, ...decision, mode: eff.mode, policyDigest: eff.digest, warnings }, null, 2)}\n`)
      } else {
        process.stdout.write(`${decision.allowed ? 'allowed' : 'denied'}: ${host}:${port}: ${decision.reason}\n`)
        if (eff.mode !== 'limit') process.stdout.write(`note: network mode is "${eff.mode}", where this allowlist does not apply\n`)
      }
      if (!decision.allowed) process.exitCode = 5
    })

  policy
    .command('log')
    .description("list a session's network decisions (default: the latest session)")
    .argument('[session]', 'latest, a session id or record name, or a prefix of either (as for wrapix log show)')
    .option('--json', 'print JSON lines as recorded')
    .action(async (session: string | undefined, _opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<{ json?: boolean; quiet?: boolean }>()
      const { file } = await findAuditFile(projectLogDir(process.cwd()), session)
      const { events, skippedLines } = await readAuditEvents(file)
      if (skippedLines.length > 0) {
        warn(`${file}: skipped ${skippedLines.length} line(s) that are not network decisions (line ${skippedLines.slice(0, 5).join(', ')}${skippedLines.length > 5 ? ', …' : ''})`, flags)
      }
      if (flags.json) return void process.stdout.write(`${JSON.stringify(events, null, 2)}\n`)
      for (const e of events) process.stdout.write(`${formatEvent(e)}\n`)
      const denied = events.filter((e) => e.decision === 'deny').length
      process.stdout.write(`${events.length - denied} allowed, ${denied} denied (${file})\n`)
    })

  policy
    .command('approve')
    .description("let this project's .wrapix/config.yaml (or a project profile) widen the sandbox, for its current content only")
    .argument('[file]', 'a project profile to approve instead, e.g. .wrapix/profiles/NAME.yaml')
    .option('--json', 'print JSON')
    .action(async (profileFile: string | undefined, _opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<{ json?: boolean }>()
      const workspace = process.cwd()
      const { loaded, widens, mounts } = approvalTarget(workspace, profileFile)
      const { file } = loaded
      const approval = approvalOf(loaded)
      if (!approval) {
        throw new WrapixError('policy', `refusing to approve ${file}: it is reached through a symbolic link${loaded.realPath ? ` (to ${loaded.realPath})` : ''}`, 'an approval is bound to the file itself; replace the link with the file')
      }
      refuseCredentialMounts(file, mounts, workspace)
      const { hash } = approval
      const userFile = pathsHere().userConfigFile
      const { text, added } = addApprovedPolicy(readOptionalFile(userFile), approval, userFile)
      if (added) {
        await mkdir(dirname(userFile), { recursive: true })
        await writeFileAtomic(userFile, text)
      }
      if (flags.json) return void process.stdout.write(`${JSON.stringify({ file, hash, added, userConfig: userFile, widens }, null, 2)}\n`)
      process.stdout.write(`${added ? 'approved' : 'already approved'}: ${file} (${hash})\n`)
      if (widens.length > 0) process.stdout.write(`it may now widen the sandbox with:\n${widens.map((w) => `  ${w}\n`).join('')}`)
      else process.stdout.write('it sets nothing that widens the sandbox\n')
      process.stdout.write(`this approval holds for this file at this path only; any later edit needs a new approval (recorded in ${userFile})\n`)
    })
}
