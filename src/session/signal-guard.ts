// Holds the signals that end a session (Ctrl-C, kill, a closed terminal) for as long as the session and its
// teardown run. Without a listener Node exits at once on SIGTERM/SIGHUP/SIGINT, skipping the record and the
// cleanup; with the guard a second signal, or one during teardown, is noted and teardown still runs to the end.

export const SESSION_SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const
export type SessionSignal = (typeof SESSION_SIGNALS)[number]

export interface SignalGuard {
  /** The first signal received while the guard held, or null. */
  readonly received: SessionSignal | null
  /** Called for every signal from now on (the first one included if it comes later); returns an unsubscribe. */
  on(listener: (signal: SessionSignal) => void): () => void
  /**
   * Ends the hold; safe to call twice. `then` takes over later signals: installed before the guard's own
   * handlers go, so no signal ever finds Node's default action (an immediate exit) in between.
   */
  release(then?: (signal: SessionSignal) => void): void
}

export function guardSignals(): SignalGuard {
  let received: SessionSignal | null = null
  const listeners = new Set<(signal: SessionSignal) => void>()
  const handlers = SESSION_SIGNALS.map((signal) => {
    const handler = () => {
      received ??= signal
      for (const listener of [...listeners]) listener(signal)
    }
    process.on(signal, handler)
    return [signal, handler] as const
  })
  let released = false
  return {
    get received() {
      return received
    },
    on(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    release(then) {
      if (released) return
      released = true
      if (then) for (const signal of SESSION_SIGNALS) process.on(signal, then)
      for (const [signal, handler] of handlers) process.off(signal, handler)
    },
  }
}

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }
/** The shell's exit code for a process a signal ended: 128 + its number. */
export const signalExitCode = (signal: string): number => 128 + (SIGNAL_NUMBERS[signal] ?? 1)
