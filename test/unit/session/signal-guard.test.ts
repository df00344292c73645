// The signal guard with real signals sent to this process: held signals never take Node's default action
// (an immediate exit), the first one is kept, and a release hands later ones over without a gap.
import { describe, expect, it } from 'vitest'
import { guardSignals, signalExitCode, type SessionSignal } from '../../../src/session/signal-guard.js'

const delivered = () => new Promise((resolve) => setTimeout(resolve, 50))

describe('guardSignals', () => {
  it('keeps the first signal, tells every listener about each one, and survives a burst', async () => {
    const guard = guardSignals()
    const seen: SessionSignal[] = []
    const off = guard.on((signal) => seen.push(signal))
    try {
      process.kill(process.pid, 'SIGHUP')
      await delivered()
      process.kill(process.pid, 'SIGTERM')
      process.kill(process.pid, 'SIGINT')
      await delivered()
      expect(guard.received).toBe('SIGHUP')
      expect(seen.sort()).toEqual(['SIGHUP', 'SIGINT', 'SIGTERM'])
    } finally {
      off()
      guard.release()
    }
  })

  it('release(then) hands later signals to `then`; its own listeners hear nothing more', async () => {
    const guard = guardSignals()
    const held: SessionSignal[] = []
    const later: SessionSignal[] = []
    guard.on((signal) => held.push(signal))
    const then = (signal: SessionSignal) => void later.push(signal)
    guard.release(then)
    try {
      process.kill(process.pid, 'SIGTERM')
      await delivered()
      expect(held).toEqual([])
      expect(later).toEqual(['SIGTERM'])
      expect(guard.received).toBeNull()
    } finally {
      process.off('SIGTERM', then)
      process.off('SIGHUP', then)
      process.off('SIGINT', then)
    }
  })

  it('gives the shell-style exit code of a signal', () => {
    expect([signalExitCode('SIGHUP'), signalExitCode('SIGINT'), signalExitCode('SIGKILL'), signalExitCode('SIGTERM')]).toEqual([129, 130, 137, 143])
  })
})
