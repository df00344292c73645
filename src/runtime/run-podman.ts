// The podman backend, part 2 (effects): run the argv, keep signals flowing to the sandbox, and never leak it.
import { execa, type ResultPromise } from 'execa'
import { EXIT_CODES } from '../errors.js'
import { guardSignals, signalExitCode, type SignalGuard } from '../session/signal-guard.js'

export interface RunOptions {
  /** podman, or Apple's `container` on macOS (same run/stop model: `stop --time N NAME`). */
  readonly program?: 'podman' | 'container'
  readonly argv: readonly string[] // the program's arguments (without its name)
  readonly containerName: string
  readonly secrets: Readonly<Record<string, string>>
  readonly env?: NodeJS.ProcessEnv
  readonly setpriv: string | null
  readonly io?: SessionIo
  /** The session's signal guard (held through teardown by the caller); absent: one for the run of podman only. */
  readonly signals?: SignalGuard
}

/** Non-interactive sessions (ralph): the input is written to stdin, output is streamed to the caller. */
export interface SessionIo {
  readonly input: string
  readonly onStdout: (chunk: Buffer) => void
  readonly onStderr: (chunk: Buffer) => void
  /** Aborting stops the sandbox: SIGTERM, then SIGKILL after `stopGraceS` (podman stop). A number as the
   * abort reason becomes the session's exit code (a timeout: 124). */
  readonly stop: AbortSignal
  readonly stopGraceS: number
}

export interface PodmanOutcome {
  /** The sandboxed command's exit code; null when a helper died and the command's own end is unknown. */
  readonly exitCode: number | null
  /** One line on the helper (podman, conmon) that died before the sandbox ended; null when none did. */
  readonly helperDied: string | null
}

const STOP_GRACE_S = 5
/** A sandbox whose helper died is removed at once: nothing is left to hand its output to. */
const ORPHAN_GRACE_S = 1
const REMOVE_ATTEMPTS = 3

/**
 * Runs podman in the foreground and returns the sandboxed command's exit code.
 * If wrapix itself is killed (even SIGKILL), the kernel sends SIGTERM to podman (setpriv --pdeathsig),
 * which forwards it to the sandbox; conmon then removes the container (--rm). If podman or conmon die
 * instead, the container would run on unseen: it is removed here (and with the proxy closed by the
 * caller it has no network meanwhile — fail closed).
 */
// Apple's `container stop` has no --ignore (apple/container 1.2.2 docs/command-reference.md); its failure is ignored here too.
const stopArgs = (program: 'podman' | 'container', graceS: number, name: string): string[] =>
  program === 'podman' ? ['stop', '--ignore', '--time', String(graceS), name] : ['stop', '--time', String(graceS), name]

export async function runPodman(opts: RunOptions): Promise<PodmanOutcome> {
  const program = opts.program ?? 'podman'
  // A signal that came while the session was being set up (a slow krun relay, macOS staging): never start it.
  const early = opts.signals?.received
  if (early) return { exitCode: signalExitCode(early), helperDied: null }
  const [file, args] = opts.setpriv ? [opts.setpriv, ['--pdeathsig', 'TERM', '--', program, ...opts.argv]] : [program, [...opts.argv]]
  const io = opts.io
  const env = opts.env ?? process.env
  const child: ResultPromise = execa(file, args, {
    ...(io ? { input: io.input, stdout: 'pipe', stderr: 'pipe', buffer: false } : { stdio: 'inherit' }),
    reject: false,
    env: { ...env, ...opts.secrets },
    extendEnv: false,
  })
  const podmanCli = (podmanArgs: string[]) => execa('podman', podmanArgs, { reject: false, env })
  let stopping: Promise<unknown> | null = null
  const stop = (graceS: number, signal?: NodeJS.Signals) => {
    // sig-proxy passes the signal to the sandbox; podman stop then makes sure it ends, even if it ignores it.
    if (signal) child.kill(signal)
    stopping ??= execa(program, stopArgs(program, graceS, opts.containerName), { reject: false, env })
  }
  if (io) {
    child.stdout?.on('data', io.onStdout)
    child.stderr?.on('data', io.onStderr)
    const onAbort = () => stop(io.stopGraceS)
    if (io.stop.aborted) onAbort()
    else io.stop.addEventListener('abort', onAbort, { once: true })
  }
  const guard = opts.signals ?? guardSignals()
  // Ctrl-C: a TTY session gets it as a byte; otherwise the terminal signals podman too. Pass it on, and let
  // the command decide what Ctrl-C means. SIGTERM/SIGHUP (a closed terminal) end the session.
  // Each kind is passed on once: podman takes a repeated signal as its own end, and the sandbox already has it.
  const passed = new Set<string>()
  const unsubscribe = guard.on((signal) => {
    if (passed.has(signal)) return
    passed.add(signal)
    if (signal === 'SIGINT') child.kill('SIGINT')
    else stop(STOP_GRACE_S, signal)
  })
  try {
    const result = await child
    await stopping // the stop it started must finish before the caller tears down and exits
    const podmanKilled = result.signal ?? null
    // Any abnormal end may hide a sandbox still running (a podman that panicked exits 2): look, and remove it.
    const abnormal = podmanKilled !== null || result.exitCode !== 0
    // Apple's `container` has no conmon and another inspect format: its VM is simply stopped (a gone one is fine).
    if (abnormal && program === 'container') await execa(program, stopArgs(program, 0, opts.containerName), { reject: false, env })
    const helperDied = abnormal && program === 'podman' ? await removeOrphan(opts.containerName, podmanKilled, result.exitCode, podmanCli) : null
    // podman ended by the signal wrapix passed on: the session was stopped, no helper failed.
    if (podmanKilled && passed.has(podmanKilled)) return { exitCode: signalExitCode(podmanKilled), helperDied: null }
    if (helperDied) return { exitCode: null, helperDied }
    if (io?.stop.aborted && typeof io.stop.reason === 'number') return { exitCode: io.stop.reason, helperDied: null }
    if (result.exitCode !== undefined) return { exitCode: result.exitCode, helperDied: null }
    return { exitCode: result.signal ? signalExitCode(result.signal) : EXIT_CODES.internal, helperDied: null }
  } finally {
    unsubscribe()
    if (!opts.signals) guard.release()
  }
}

type PodmanCli = (args: string[]) => Promise<{ exitCode?: number | undefined; stdout: unknown }>

/**
 * After podman ended abnormally: is the container still there (podman or conmon died while it ran)? Then
 * it is removed, and the returned line says which helper died. Null when the container is gone (a normal end).
 */
async function removeOrphan(name: string, podmanSignal: string | null, podmanExit: number | undefined, podmanCli: PodmanCli): Promise<string | null> {
  const inspect = await podmanCli(['container', 'inspect', '--format', '{{.State.Status}} {{.State.ConmonPid}}', name])
  const left = inspect.exitCode === 0
  const [status, conmonPid] = String(inspect.stdout).trim().split(' ')
  // With conmon gone the first removal kills the processes but leaves the container "stopping": remove again.
  for (let attempt = 0; left && attempt < REMOVE_ATTEMPTS; attempt++) {
    await podmanCli(['rm', '--force', '--ignore', '--time', attempt === 0 ? String(ORPHAN_GRACE_S) : '0', name])
    if ((await podmanCli(['container', 'exists', name])).exitCode === 1) break
  }
  if (podmanSignal) return `podman was killed (${podmanSignal}) while the sandbox ran${left ? '; wrapix removed the sandbox' : ''}`
  // Gone, or exited with --rm's cleanup not done yet (the command's own non-zero code): nothing died.
  if (!left || status === 'exited' || status === 'stopped') return null
  const conmonGone = conmonPid !== undefined && Number(conmonPid) > 0 && !alive(Number(conmonPid))
  const who = conmonGone || Number(conmonPid) === 0 ? "the sandbox's monitor (conmon) died" : 'podman lost track of the sandbox'
  return `${who}: podman exited ${podmanExit ?? '?'} while the sandbox was still ${status ?? 'there'}; wrapix removed the sandbox`
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
