// runPodman's decisions that need no podman: a session stopped while it was being set up never starts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runPodman } from '../../../src/runtime/run-podman.js'
import type { SignalGuard } from '../../../src/session/signal-guard.js'

const dir = mkdtempSync(join(tmpdir(), 'wrapix-run-podman-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A stand-in for setpriv that only notes it was started: if runPodman spawns at all, the file appears. */
function spawnProbe(): { path: string; started: () => boolean } {
  const marker = join(dir, `started-${Math.random().toString(36).slice(2)}`)
  const path = join(dir, `setpriv-${Math.random().toString(36).slice(2)}`)
  writeFileSync(path, `#!/bin/sh\necho started > '${marker}'\n`)
  chmodSync(path, 0o755)
  return { path, started: () => existsSync(marker) && readFileSync(marker, 'utf8').includes('started') }
}

const heldSignal = (signal: 'SIGTERM' | 'SIGHUP' | 'SIGINT'): SignalGuard => ({
  received: signal,
  on: () => () => {},
  release: () => {},
})

describe('runPodman', () => {
  it.each(['SIGTERM', 'SIGHUP', 'SIGINT'] as const)('does not start the sandbox when %s came during setup, and returns its exit code', async (signal) => {
    const probe = spawnProbe()
    const outcome = await runPodman({ argv: ['run', 'x'], containerName: 'wrapix-never', secrets: {}, setpriv: probe.path, signals: heldSignal(signal) })
    expect(outcome).toEqual({ exitCode: { SIGTERM: 143, SIGHUP: 129, SIGINT: 130 }[signal], helperDied: null })
    expect(probe.started()).toBe(false)
  })
})
