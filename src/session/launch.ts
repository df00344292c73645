// launch(): one session from a prepared plan — files, network, record, podman — and everything torn down after.
import { chmod, mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { EXIT_CODES, WrapixError } from '../errors.js'
import { startSessionNetwork, type NetworkSummary, type SessionNetwork } from '../network/session-network.js'
import { runPodman, type SessionIo } from '../runtime/run-podman.js'
import { stageFiles } from '../runtime/apple-staging.js'
import { runtimeCommand } from '../runtime/runtime-command.js'
import { assertSetidSeccompBase, writeSetidSeccomp } from '../runtime/setid-seccomp.js'
import { needsKrunRelay, startKrunRelay, type RunningRelay } from '../runtime/krun-relay.js'
import { appleContainerProblems, probeAppleContainer } from '../host/apple-container-host.js'
import type { HostFacts } from '../host/facts.js'
import { secretEnvFileContent } from '../sandbox/secret-env-file.js'
import type { Interruption } from './record-schema.js'
import { signalExitCode, type SignalGuard } from './signal-guard.js'
import { FILES_ROOT, SECRET_ENV_FILE, type SandboxPlan } from '../sandbox/plan.js'
import type { Prepared } from './prepare.js'
import { agentFor } from '../agents/index.js'
import { agentPreferencesFile, saveAgentPreferences } from './agent-preferences.js'
import { claimSessionDir, removeStaleSessionDirs } from './session-dirs.js'
import { finishSessionGit, startSessionGit, type SessionGitOutcome, type SessionGitStart } from './session-git.js'

export interface LaunchHooks {
  /** Where the proxy appends its audit lines (the session record's sibling file). */
  readonly networkLogPath?: string
  readonly onEnd?: (result: { exitCode: number | null; network: NetworkSummary | null; git: SessionGitOutcome | null; interruption: Interruption | null }) => Promise<void>
  readonly notice?: (message: string) => void
  readonly resolve?: Readonly<Record<string, string>>
  /** Masks secrets in what the network writes (audit lines, denied hosts). */
  readonly redact?: (text: string) => string
  /** Non-interactive input and output (ralph); absent: the terminal is the sandbox's. */
  readonly io?: SessionIo
  /** Held by the caller from before the record starts until after teardown: a signal never skips teardown. */
  readonly signals?: SignalGuard
}

/** Writes the session's files where the plan mounts them from (a private, per-session directory). */
export async function writeSessionFiles(plan: SandboxPlan): Promise<void> {
  for (const dir of plan.hostDirs) await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(plan.filesDir, 0o755) // the sandbox user (mapped, not the host user) must read these files
  for (const file of plan.files) {
    const path = join(plan.filesDir, relative(FILES_ROOT, file.dest))
    await mkdir(dirname(path), { recursive: true, mode: 0o755 })
    await writeFile(path, file.content, { mode: file.mode })
    await chmod(path, file.mode)
  }
  // Mount points for binds that appear inside FILES_ROOT (deploy keys) must exist in the read-only parent,
  // and be of the source's kind: a file bound onto a directory fails ("Not a directory").
  for (const mount of plan.mounts) {
    if (mount.kind === 'bind' && mount.dest.startsWith(`${FILES_ROOT}/`)) {
      const target = join(plan.filesDir, relative(FILES_ROOT, mount.dest))
      if ((await stat(mount.source)).isDirectory()) {
        await mkdir(target, { recursive: true, mode: 0o755 })
      } else {
        await mkdir(dirname(target), { recursive: true, mode: 0o755 })
        await writeFile(target, '', { mode: 0o600 })
      }
    }
  }
}

/** crun: podman's default seccomp profile must exist. macOS: the Mac and Apple's `container` must be able to run the session (version, services), with the fix for each. */
export async function assertLaunchable(plan: SandboxPlan, host: HostFacts): Promise<void> {
  await assertSetidSeccompBase(plan)
  if (plan.backend !== 'apple-container') return
  const status = host.appleContainer ? await probeAppleContainer(host.appleContainer) : null
  const problems = appleContainerProblems(host.osRelease, host.appleContainer, status)
  if (problems.length > 0) throw new WrapixError('host', problems.map((p) => p.what).join('; '), problems.map((p) => p.fix).join('; '))
}

/** krun: the secret values as a file the entrypoint reads (never in the container config crun copies into the guest). */
async function writeSecretEnvFile(plan: SandboxPlan, secrets: Readonly<Record<string, string>>): Promise<void> {
  if (plan.secretsVia !== 'file' || plan.secretNames.length === 0) return
  const path = join(plan.filesDir, relative(FILES_ROOT, SECRET_ENV_FILE))
  await mkdir(dirname(path), { recursive: true, mode: 0o755 })
  await writeFile(path, secretEnvFileContent(secrets), { mode: 0o600 })
  await chmod(path, 0o600)
}

export async function launch(prepared: Prepared, hooks: LaunchHooks = {}): Promise<number> {
  const { plan, secrets, policy, host } = prepared
  const sessionDir = dirname(plan.filesDir)
  await mkdir(dirname(sessionDir), { recursive: true, mode: 0o755 })
  await removeStaleSessionDirs(dirname(sessionDir))
  let network: SessionNetwork | null = null
  let exitCode: number | null = null
  let helperDied: string | null = null
  let git: SessionGitStart | null = null
  let relay: RunningRelay | null = null
  try {
    await mkdir(sessionDir, { recursive: true, mode: 0o700 }) // copies of the repo's refs and index live here
    // Claimed before anything is written in it: a wrapix killed from here on leaves a folder the next run removes.
    await claimSessionDir(sessionDir)
    // The session git dir and files are written while the network starts; both must be up before podman runs.
    const files = (async () => {
      // Before the session files: mount points for the git binds inside FILES_ROOT need their sources.
      git = await startSessionGit(plan.git)
      if (git.hidden) hooks.notice?.(`git inside the sandbox has no repository: ${git.hidden}`)
      await writeSessionFiles(plan)
      await writeSecretEnvFile(plan, secrets)
      await writeSetidSeccomp(plan) // crun: no setuid/setgid file from the sandbox
    })()
    const net = startSessionNetwork({
      sessionId: plan.sessionId,
      policy,
      auditPath: hooks.networkLogPath ?? join(sessionDir, 'network.jsonl'),
      resolve: hooks.resolve ?? {},
      socketDir: plan.network.socketDir ?? join(sessionDir, 'net'),
      ...(plan.backend === 'apple-container' ? { socketMode: 0o666 } : {}),
      credentials: prepared.credentials,
      upstream: prepared.upstream,
      ...(hooks.redact ? { redact: hooks.redact } : {}),
    })
    // allSettled: a failure of one must not leave the other running unseen (the finally block tears down both)
    const [filesResult, netResult] = await Promise.allSettled([files, net])
    if (netResult.status === 'fulfilled') network = netResult.value
    if (filesResult.status === 'rejected') throw filesResult.reason
    if (netResult.status === 'rejected') throw netResult.reason
    const running = netResult.value
    // Fail closed: with the proxy gone the sandbox has no route out; the user is told.
    void running.failed.then((message) => hooks.notice?.(`the session's network proxy stopped, so the sandbox is now offline: ${message}`))
    // A signal while the session was being set up: the sandbox never starts, and teardown still runs.
    const early = hooks.signals?.received
    if (early) {
      exitCode = signalExitCode(early)
      return exitCode
    }
    // krun: the relay beside the microVM, whose network namespace the sandbox joins.
    if (needsKrunRelay(plan)) relay = await startKrunRelay(plan, { crun: host.runtimes.crun ?? 'crun', setpriv: host.tools.setpriv })
    const command = await runtimeCommand(plan)
    await stageFiles(command.staged) // macOS: after the session files and git dir exist
    const runtimeSecrets = plan.secretsVia === 'runtime-env' ? secrets : {}
    const outcome = await runPodman({
      program: command.program, argv: command.args, containerName: plan.containerName, secrets: runtimeSecrets, setpriv: host.tools.setpriv,
      ...(hooks.io ? { io: hooks.io } : {}), ...(hooks.signals ? { signals: hooks.signals } : {}),
    })
    exitCode = outcome.exitCode
    helperDied = outcome.helperDied
    if (helperDied) hooks.notice?.(`the session ended early: ${helperDied}`)
    return exitCode ?? EXIT_CODES.internal // a helper died: the command's own code is unknown
  } finally {
    await teardown(prepared, hooks, { sessionDir, network, git, relay, exitCode, interruption: interruptionOf(hooks.signals?.received ?? null, helperDied, exitCode) })
  }
}


/**
 * Why the session ended, when its command did not simply exit. Ctrl-C is only handed to the command, which
 * may catch it and run on: it interrupted the session only if the command died of it (130).
 */
export function interruptionOf(signal: string | null, helperDied: string | null, exitCode: number | null): Interruption | null {
  if (signal === 'SIGINT' && exitCode === signalExitCode('SIGINT')) return { cause: 'signal', signal, detail: 'wrapix passed SIGINT (Ctrl-C) on, and the command ended by it', endFrom: null }
  if (signal && signal !== 'SIGINT') return { cause: 'signal', signal, detail: `wrapix received ${signal}${signal === 'SIGHUP' ? ' (its terminal closed)' : ''} and stopped the sandbox`, endFrom: null }
  if (helperDied) return { cause: 'helper', signal: null, detail: helperDied, endFrom: null }
  return null
}

interface TeardownState {
  sessionDir: string
  network: SessionNetwork | null
  relay: RunningRelay | null
  git: SessionGitStart | null
  exitCode: number | null
  interruption: Interruption | null
}

/**
 * Every step runs even if an earlier one failed (a full disk, a closed terminal): the proxy closes, the git
 * work comes back, the record is written, the session's host directory goes. The first failure is rethrown.
 */
async function teardown(prepared: Prepared, hooks: LaunchHooks, state: TeardownState): Promise<void> {
  const { plan } = prepared
  const failures: unknown[] = []
  const step = async <T>(work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work()
    } catch (err) {
      failures.push(err)
      return null
    }
  }
  await step(async () => state.relay?.stop())
  const summary = await step(async () => state.network?.close() ?? null)
  if (state.network && !summary) hooks.notice?.(`could not tear down the session network cleanly: ${(failures.at(-1) as Error).message}`)
  // The sandbox has exited: its git work comes back before the record reads the host's git state.
  const gitStart = state.git
  const gitOutcome = gitStart ? await step(() => finishSessionGit(gitStart, plan.sessionId)) : null
  await step(async () =>
    hooks.onEnd?.({ exitCode: state.exitCode, network: summary && { ...summary, credentials: plan.credentials.record }, git: gitOutcome, interruption: state.interruption }),
  )
  const agentConfigDir = plan.agentConfigDir
  if (agentConfigDir && state.exitCode !== null) {
    await saveAgentPreferences(agentFor(plan.agent), agentConfigDir, agentPreferencesFile(prepared.paths.stateDir, plan.agent, plan.workspace)).catch((err: unknown) =>
      hooks.notice?.(`could not keep the agent's preferences for next time: ${(err as Error).message}`),
    )
  }
  await step(() => rm(state.sessionDir, { recursive: true, force: true }))
  if (failures.length > 0) throw failures[0]
}
