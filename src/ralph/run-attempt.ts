// One attempt at a task: one fresh wrapix session (through the launcher `wrapix run` uses), the prompt on
// stdin, the agent's stream kept in a log file, and the outcome read strictly from the final result.
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { SessionIo } from '../runtime/run-podman.js'
import { watchAttempt, WATCHDOG_KILL_AFTER_S } from './attempt-watch.js'
import { finalResult, readSignal, type ResultEvent, type Signal } from './signals.js'

/** What ralph needs from the launcher: a task session, its exit code back. */
export interface TaskLaunch {
  readonly taskId: string
  readonly agentArgs: readonly string[]
  readonly io: SessionIo
  readonly onRecord: (session: { sessionId: string; recordPath: string }) => void
  /** The wrapix profile for this task, when ralph's config or the task names one. */
  readonly profile: string | undefined
  /** The directory the session runs in (the project, or the task's worktree). */
  readonly dir: string
}
export type Launcher = (launch: TaskLaunch) => Promise<number>

export interface AttemptRequest {
  readonly taskId: string
  readonly prompt: string
  readonly agentArgs: readonly string[]
  readonly profile: string | undefined
  readonly dir: string
  readonly logPath: string
  readonly timeoutMs: number
  readonly graceMs: number
  readonly launch: Launcher
}

export type AttemptOutcome = { readonly signal: Signal } | { readonly failure: string }

export interface AttemptResult {
  readonly outcome: AttemptOutcome
  readonly exitCode: number
  readonly sessionId: string | null
  readonly timedOut: boolean
  readonly watchdogFired: boolean
  /** The agent's final `result` event, if it produced one. */
  readonly final: ResultEvent | null
}

export async function runAttempt(req: AttemptRequest): Promise<AttemptResult> {
  await mkdir(dirname(req.logPath), { recursive: true })
  const log = createWriteStream(req.logPath, { flags: 'wx', mode: 0o644 })
  const watch = watchAttempt({ timeoutMs: req.timeoutMs, graceMs: req.graceMs, onLine: (line) => log.write(`${line}\n`) })
  let sessionId: string | null = null
  let exitCode: number
  try {
    exitCode = await req.launch({
      taskId: req.taskId,
      agentArgs: req.agentArgs,
      profile: req.profile,
      dir: req.dir,
      onRecord: (session) => {
        sessionId = session.sessionId
      },
      io: {
        input: req.prompt,
        onStdout: watch.onStdout,
        onStderr: (chunk) => log.write(`${JSON.stringify({ type: 'wrapix_stderr', text: chunk.toString('utf8') })}\n`),
        stop: watch.stop,
        stopGraceS: WATCHDOG_KILL_AFTER_S,
      },
    })
  } finally {
    watch.dispose()
    await new Promise<void>((resolve) => log.end(resolve))
  }
  const { timedOut, watchdogFired } = watch.state
  return { outcome: judge(watch.lines, exitCode, timedOut, watchdogFired), exitCode, sessionId, timedOut, watchdogFired, final: finalResult(watch.lines) }
}

/** The task's outcome from the attempt: a signal only from a final result of a session that was not cut short. */
export function judge(lines: readonly string[], exitCode: number, timedOut: boolean, watchdogFired: boolean): AttemptOutcome {
  if (timedOut) return { failure: `the attempt hit its time limit and was stopped (exit code ${exitCode})` }
  const result = finalResult(lines)
  if (!result) return { failure: `the agent ended without a final result (exit code ${exitCode})` }
  const reading = readSignal(result)
  if ('problem' in reading) return { failure: exitCode === 0 ? reading.problem : `${reading.problem}; exit code ${exitCode}` }
  // The watchdog stopped an agent that had already answered: its answer stands. Otherwise a non-zero exit fails.
  if (exitCode !== 0 && !watchdogFired) return { failure: `the agent exited with code ${exitCode} after its result` }
  return { signal: reading.signal }
}
