// The podman backend, part 2 (effects): run the argv, keep signals flowing to the sandbox, and never leak it.
import { execa, type ResultPromise } from 'execa'

export interface RunOptions {
  /** podman, or Apple's `container` on macOS (same run/stop model: `stop --time N NAME`). */
  readonly program?: 'podman' | 'container'
  readonly argv: readonly string[] // the program's arguments (without its name)
  readonly containerName: string
  readonly secrets: Readonly<Record<string, string>>
  readonly env?: NodeJS.ProcessEnv
  readonly setpriv: string | null
  readonly io?: SessionIo
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

const FORWARDED = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const
const STOP_GRACE_S = 5

/**
 * Runs podman in the foreground and returns the sandboxed command's exit code.
 * If wrapix itself is killed (even SIGKILL), the kernel sends SIGTERM to podman (setpriv --pdeathsig),
 * which forwards it to the sandbox; conmon then removes the container (--rm).
 */
// Apple's `container stop` has no --ignore (apple/container 1.2.2 docs/command-reference.md); its failure is ignored here too.
const stopArgs = (program: 'podman' | 'container', graceS: number, name: string): string[] =>
  program === 'podman' ? ['stop', '--ignore', '--time', String(graceS), name] : ['stop', '--time', String(graceS), name]

export async function runPodman(opts: RunOptions): Promise<number> {
  const program = opts.program ?? 'podman'
  const [file, args] = opts.setpriv ? [opts.setpriv, ['--pdeathsig', 'TERM', '--', program, ...opts.argv]] : [program, [...opts.argv]]
  const io = opts.io
  const child: ResultPromise = execa(file, args, {
    ...(io ? { input: io.input, stdout: 'pipe', stderr: 'pipe', buffer: false } : { stdio: 'inherit' }),
    reject: false,
    env: { ...(opts.env ?? process.env), ...opts.secrets },
    extendEnv: false,
  })
  let stopping = false
  const stop = (signal?: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    // sig-proxy passes the signal to the sandbox; podman stop then makes sure it ends, even if it ignores it.
    if (signal) child.kill(signal)
    void execa(program, stopArgs(program, STOP_GRACE_S, opts.containerName), { reject: false, env: opts.env ?? process.env })
  }
  if (io) {
    child.stdout?.on('data', io.onStdout)
    child.stderr?.on('data', io.onStderr)
    const onAbort = () => void execa(program, stopArgs(program, io.stopGraceS, opts.containerName), { reject: false, env: opts.env ?? process.env })
    if (io.stop.aborted) onAbort()
    else io.stop.addEventListener('abort', onAbort, { once: true })
  }
  const handlers = FORWARDED.map((signal) => {
    // Ctrl-C: a TTY session gets it as a byte; otherwise the terminal signals podman too. Pass it on, and let
    // the command decide what Ctrl-C means. SIGTERM/SIGHUP end the session.
    const handler = () => (signal === 'SIGINT' ? child.kill('SIGINT') : stop(signal))
    process.on(signal, handler)
    return [signal, handler] as const
  })
  try {
    const result = await child
    if (io?.stop.aborted && typeof io.stop.reason === 'number') return io.stop.reason
    if (result.exitCode !== undefined) return result.exitCode
    return result.signal ? 128 + signalNumber(result.signal) : 125
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler)
  }
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }
const signalNumber = (signal: string): number => SIGNALS[signal] ?? 1

