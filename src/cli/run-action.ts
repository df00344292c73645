// `wrapix run` / `wrapix shell`: prepare the plan, print it (--dry-run) or launch it, and render what happened.
import type { ResolvedProfile } from '../config/profiles.js'
import type { WrapixPaths } from '../config/paths.js'
import { EXIT_CODES, WrapixError } from '../errors.js'
import type { HostFacts } from '../host/facts.js'
import { parseResolveFlags } from '../network/resolve-flags.js'
import { formatArgv } from '../runtime/format-argv.js'
import { runtimeCommand } from '../runtime/runtime-command.js'
import { describeSandboxUser } from '../sandbox/user.js'
import { assertLaunchable, launch } from '../session/launch.js'
import { preparePlan, type Prepared } from '../session/prepare.js'
import { createRedactor } from '../session/redact.js'
import { sessionExtras } from '../session/session-extras.js'
import { probeGitEarly, startSessionRecord } from '../session/session-record-hooks.js'
import type { SessionIo } from '../runtime/run-podman.js'
import { guardSignals } from '../session/signal-guard.js'
import { alarm, holdClosedTerminal, note, releaseHungUpTerminal, printJson, startProgress, verbose, warn, type GlobalOptions } from './output.js'
import { sessionSummaryLines } from './session-summary.js'
import { parseRunFlags } from './run-flags.js'
import type { RunCommandOptions } from './run-options.js'
import type { RunFlagValues } from '../config/settings.js'
import { formatDenial } from './denials.js'
import { offerGitignore } from './gitignore-offer.js'

export interface RunRequest {
  readonly dir: string | null
  readonly raw: RunCommandOptions
  readonly command: string[] | null
  readonly shell: boolean
  readonly globals: GlobalOptions
}

/** A batch task's session (ralph): the same launch, with the agent non-interactive and the task in the record. */
export interface TaskSession {
  readonly taskId: string
  /** Appended to the agent's command line (claude: -p --output-format stream-json --verbose). */
  readonly agentArgs: readonly string[]
  /** The agent's input and output; without it the session is interactive, on this terminal (ralph plan). */
  readonly io?: SessionIo
  /** Called once the session record is started: the session id and where its record will be. */
  readonly onRecord?: (session: { sessionId: string; recordPath: string }) => void
}

const truthy = (value: string | undefined): boolean => value !== undefined && !['', '0', 'false', 'no'].includes(value.toLowerCase())

export async function runCommand(req: RunRequest, task?: TaskSession): Promise<number> {
  const env = process.env
  const globals: GlobalOptions = { ...req.globals, verbose: req.globals.verbose || truthy(env.WRAPIX_VERBOSE) }
  const dryRun = req.raw.dryRun || truthy(env.WRAPIX_DRY_RUN)
  const flags = parseRunFlags(req.raw)
  const tty = !task?.io && Boolean(process.stdin.isTTY && process.stdout.isTTY)
  // The record's "before" git probe overlaps the preparation (config, identity, keys, image).
  const earlyGitProbe = dryRun ? undefined : probeGitEarly(process.cwd(), req.dir)
  const prepared = await preparePlan({
    flags,
    dir: req.dir,
    command: req.command,
    ...(task ? { agentArgs: task.agentArgs } : {}),
    shell: req.shell,
    tty: dryRun ? false : tty,
    image: dryRun ? imageTag : (profile, host, paths) => buildIfNeeded(profile, host, paths, globals),
    extras: sessionExtras,
  })
  const redact = createRedactor(prepared.secretValues)
  for (const warning of [...prepared.warnings, ...runWarnings(prepared, flags)]) warn(redact(warning), globals)
  if (prepared.plan.boundaryNote) note(prepared.plan.boundaryNote, globals) // auto: what it chose, and why not stronger
  if (!prepared.plan.limits.enforced) warn(UNENFORCED_LIMITS, globals)

  const argv = await runtimeArgv(prepared)
  if (dryRun) {
    const masked = argv.map(redact)
    if (globals.json) printJson({ ok: true, argv: masked, plan: JSON.parse(redact(JSON.stringify(prepared.plan))), warnings: prepared.warnings.map(redact) })
    else process.stdout.write(`${masked.join('\n')}\n`)
    return 0
  }
  verbose(`session ${prepared.plan.sessionId}: ${formatArgv(argv, redact)}`, globals)
  verbose(`sandbox user: ${describeSandboxUser(prepared.plan.user, prepared.plan.boundary)}`, globals)
  requirePodman(prepared.host)
  await assertLaunchable(prepared.plan, prepared.host) // before the record: a session that cannot start leaves no journal entry
  if (!task) await offerGitignore(prepared.plan.workspace, globals, tty)
  // From the journal entry on, a signal (Ctrl-C, kill, a closed terminal) ends the session through its
  // teardown, never past it, and output to a terminal that went away no longer ends wrapix.
  const signals = guardSignals()
  const releaseTerminal = holdClosedTerminal()
  let code: number = EXIT_CODES.internal
  try {
    const record = await startSessionRecord(prepared, argv.slice(1).map(redact), redact, earlyGitProbe?.(), task ? { taskId: task.taskId } : undefined)
    task?.onRecord?.({ sessionId: prepared.plan.sessionId, recordPath: record.recordPath })
    code = await launch(prepared, {
      notice: (message) => warn(redact(message), globals),
      resolve: parseResolveFlags(flags.resolve), // already checked by parseRunFlags, before the record
      redact,
      networkLogPath: record.networkLogPath,
      signals,
      ...(task?.io ? { io: task.io } : {}),
      onEnd: async (result) => {
        const { path, review, setid } = await record.finish(result)
        for (const denied of result.network?.deniedHosts ?? []) {
          warn(redact(formatDenial(denied)), globals)
        }
        const summary = sessionSummaryLines(result.git, review, setid)
        for (const line of summary.alarms) alarm(redact(line))
        for (const line of summary.warnings) warn(redact(line), globals)
        for (const line of summary.details) verbose(redact(line), globals)
        verbose(`session record: ${path}`, globals)
      },
    })
    return code
  } catch (err) {
    code = err instanceof WrapixError ? err.exitCode : EXIT_CODES.internal
    throw err
  } finally {
    // The session is torn down and recorded; a late signal (a burst of Ctrl-C) only ends wrapix, with the
    // session's code. A batch runner (ralph) keeps its own handling.
    signals.release(task ? undefined : () => {
      releaseHungUpTerminal()
      process.exit(code)
    })
    releaseTerminal()
  }
}

/** What the flags ask for that this run will not do as written. */
export function runWarnings(prepared: Pick<Prepared, 'settings' | 'profile'>, flags: Pick<RunFlagValues, 'allow'>): string[] {
  const warnings: string[] = []
  const mode = prepared.settings.networkMode.value
  if (flags.allow.length > 0 && mode !== 'limit') {
    warnings.push(`--allow ${flags.allow.join(', ')} has no effect: the network mode is "${mode}" (the allowlist applies only with --network limit)`)
  }
  const agent = prepared.settings.agent.value
  if (agent !== 'shell' && prepared.settings.image.value === null && !prepared.profile.profile.agents[agent]) {
    warnings.push(
      `profile ${prepared.profile.name} pins no ${agent} version (agents.${agent}), so its image has no ${agent} and the session will fail to start it; ` +
        `use a profile that sets agents.${agent}, or --image with ${agent} installed`,
    )
  }
  return warnings
}


export const UNENFORCED_LIMITS =
  'memory, pids and cpu limits are not enforced: rootless podman cannot set cgroup limits on this host (cgroup v1, or no delegation); run as root or on a cgroup v2 host with delegation for them'

/** The exact runtime command line (program first) that a real run of this plan executes. */
export async function runtimeArgv(prepared: Prepared): Promise<string[]> {
  const command = await runtimeCommand(prepared.plan)
  return [command.program, ...command.args]
}

// The image modules and ora (~50 ms to load) are imported only when a profile image is needed, not with --image.
async function imageTag(profile: ResolvedProfile, host: HostFacts): Promise<string> {
  if (profile.profile.image) return profile.profile.image
  const [{ imagePlatform }, { imageSpec }] = await Promise.all([import('../image/ensure.js'), import('../image/spec.js')])
  return imageSpec(profile.name, profile.profile, imagePlatform(profile.profile, host, process.env)).tag
}

/** Without podman a run could only fail later with a confusing build or spawn error. */
function requirePodman(host: HostFacts): void {
  if (host.os === 'linux' && !host.podman.path) {
    throw new WrapixError('host', 'podman is not installed (or not on PATH)', 'install it (e.g. sudo apt install podman); wrapix doctor lists what else this host needs')
  }
}

async function buildIfNeeded(profile: ResolvedProfile, host: HostFacts, paths: WrapixPaths, globals: GlobalOptions): Promise<string> {
  requirePodman(host)
  const { ensureImage } = await import('../image/ensure.js')
  const progress = await startProgress(`image for profile ${profile.name}`, globals, true)
  try {
    const image = await ensureImage(profile.name, profile.profile, host, {
      paths,
      onProgress: (step) => progress.update(`building image for profile ${profile.name}: ${step}`),
    })
    if (image.built) progress.succeed(`built ${image.ref}`)
    else progress.stop()
    return image.ref
  } catch (err) {
    progress.fail(`image for profile ${profile.name}`)
    throw err
  }
}
