// `wrapix policy check|log|approve`: flag parsing and rendering only; decisions live in src/network/.
import { mkdir } from 'node:fs/promises'
import { availableParallelism, homedir } from 'node:os'
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { WrapixError } from '../errors.js'
import { readOptionalFile } from '../config/load.js'
import { projectConfigFile, projectLogDir, wrapixPaths } from '../config/paths.js'
import { parseProfile } from '../config/profiles.js'
import { contentHash, resolveProfileName, resolveSettings } from '../config/resolve.js'
import { emptyFlags } from '../config/settings.js'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { addApprovedPolicy } from '../network/approve-policy.js'
import { findAuditFile, readAuditEvents } from '../network/audit-files.js'
import type { AuditEvent } from '../network/audit-log.js'
import { effectivePolicy } from '../network/effective-policy.js'
import { DEFAULT_PORT } from '../network/host-rule.js'
import { decide, decideAddress } from '../network/policy.js'
import { parseResolveFlags } from '../network/resolve-flags.js'
import { loadLayers, loadProfileFor } from '../session/prepare.js'

const collect = (value: string, previous: string[]): string[] => [...previous, value]

const pathsHere = () => wrapixPaths(process.env, homedir(), process.getuid?.() ?? 0)

/** The layers, profile and settings a `wrapix run` here would use (the same loaders, so the same answers). */
function layersHere(workspace: string, profileFlag?: string) {
  const paths = pathsHere()
  const layers = loadLayers(paths, workspace)
  const { user, project } = layers
  const flags = { ...emptyFlags(), ...(profileFlag ? { profile: profileFlag } : {}) }
  const profileName = resolveProfileName(flags, process.env, layers)
  const profile = loadProfileFor(profileName.value, paths, workspace, layers)
  const settings = resolveSettings({ flags, env: process.env, layers, profileName, profile, hostCpus: availableParallelism() })
  return {
    settings, name: profile.name, profile: profile.profile,
    user: user && { file: user.file, config: user.value },
    project: project && { file: project.file, text: project.text, config: project.value },
  }
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

/** What `policy approve [FILE]` approves: the project config, or the project profile FILE; and what it may then add. */
function approvalTarget(workspace: string, profileFile?: string): { file: string; text: string; widens: string[] } {
  const widens = (network: { allowedDomains: readonly string[]; mode?: string | undefined }): string[] =>
    [...network.allowedDomains, ...(network.mode ? [`network.mode: ${network.mode}`] : [])]
  if (profileFile !== undefined) {
    const file = resolve(workspace, profileFile)
    const text = readOptionalFile(file)
    if (text === null) throw new WrapixError('usage', `no file ${file}`, 'name a project profile, e.g. wrapix policy approve .wrapix/profiles/NAME.yaml')
    return { file, text, widens: widens(parseProfile(text, file).network) }
  }
  // Only the file: a profile or setting this approval is about to allow must not stop it.
  const { project } = loadLayers(pathsHere(), workspace)
  if (!project) throw new WrapixError('usage', `no project config at ${projectConfigFile(workspace)}`, 'run this in the project directory')
  return { file: project.file, text: project.text, widens: widens(project.value.network) }
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
      const { policy: eff, warnings: policyWarnings } = effectivePolicy({
        profileName: here.name, profile: here.profile, user: here.user, project: here.project,
        allow: flags.allow, deny: flags.deny, mode: here.settings.networkMode.value,
      })
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
    .argument('[session]', 'session record name, its short id, or a prefix')
    .option('--json', 'print JSON lines as recorded')
    .action(async (session: string | undefined, _opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<{ json?: boolean }>()
      const { file } = await findAuditFile(projectLogDir(process.cwd()), session)
      const events = await readAuditEvents(file)
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
      const { file, text: approvedText, widens } = approvalTarget(process.cwd(), profileFile)
      const hash = contentHash(approvedText)
      const userFile = pathsHere().userConfigFile
      const { text, added } = addApprovedPolicy(readOptionalFile(userFile), hash, userFile)
      if (added) {
        await mkdir(dirname(userFile), { recursive: true })
        await writeFileAtomic(userFile, text)
      }
      if (flags.json) return void process.stdout.write(`${JSON.stringify({ file, hash, added, userConfig: userFile, widens }, null, 2)}\n`)
      process.stdout.write(`${added ? 'approved' : 'already approved'}: ${file} (${hash})\n`)
      if (widens.length > 0) process.stdout.write(`it may now add: ${widens.join(', ')}\n`)
      process.stdout.write(`any later edit of that file needs a new approval (recorded in ${userFile})\n`)
    })
}
