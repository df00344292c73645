// Watches one attempt's output: splits it into lines, notices the final `result` event, and stops the
// session when it outlives its time limit or lingers after its result (the watchdog).
import { resultEventOf } from './signals.js'

export const TIMEOUT_EXIT_CODE = 124
/** After the watchdog's SIGTERM, how long before SIGKILL. */
export const WATCHDOG_KILL_AFTER_S = 2

export interface AttemptWatch {
  /** Feed stdout chunks here. */
  readonly onStdout: (chunk: Buffer) => void
  readonly stop: AbortSignal
  readonly lines: string[]
  readonly state: { timedOut: boolean; watchdogFired: boolean; sawResult: boolean }
  /** Clears the timers; call when the session has ended. */
  dispose(): void
}

export function watchAttempt(opts: { timeoutMs: number; graceMs: number; onLine?: (line: string) => void }): AttemptWatch {
  const controller = new AbortController()
  const lines: string[] = []
  const state = { timedOut: false, watchdogFired: false, sawResult: false }
  let pending = ''
  let grace: NodeJS.Timeout | undefined
  const timeout = setTimeout(() => {
    if (state.sawResult) return // the result is in: the watchdog decides, not the time limit
    state.timedOut = true
    controller.abort(TIMEOUT_EXIT_CODE)
  }, opts.timeoutMs)
  const take = (line: string) => {
    lines.push(line)
    opts.onLine?.(line)
    if (!state.sawResult && resultEventOf(line)) {
      state.sawResult = true
      grace = setTimeout(() => {
        state.watchdogFired = true
        controller.abort('watchdog')
      }, opts.graceMs)
    }
  }
  return {
    lines,
    state,
    stop: controller.signal,
    onStdout(chunk) {
      pending += chunk.toString('utf8')
      const parts = pending.split('\n')
      pending = parts.pop() ?? ''
      for (const line of parts) if (line.trim()) take(line)
    },
    dispose() {
      if (pending.trim()) take(pending)
      pending = ''
      clearTimeout(timeout)
      clearTimeout(grace)
    },
  }
}
