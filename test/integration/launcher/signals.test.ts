// Stopping wrapix from outside: SIGTERM, SIGHUP and SIGINT end the session and leave no container behind.
// SIGKILL cannot be handled by wrapix itself, but its podman child gets a parent-death signal: nothing is left.
import { describe, expect, it } from 'vitest'
import { spawnWrapix } from '../../helpers/cli.js'
import { podmanPs, requirePodman, waitForNoContainers, type PodmanContainer } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, sandboxFlags, useSandboxProject } from '../../helpers/sandbox.js'

const podman = await requirePodman()

async function waitForRunning(workspace: string, timeoutMs = 60_000): Promise<PodmanContainer> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const running = (await podmanPs({ 'wrapix.workspace': workspace })).filter((c) => c.state === 'running')
    if (running[0]) return running[0]
    if (Date.now() >= deadline) throw new Error(`no running container for ${workspace} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('signals to wrapix (%s boundary)', (boundary) => {
  const sandbox = useSandboxProject()

  const start = () =>
    spawnWrapix(['run', sandbox.project.dir, ...sandboxFlags(boundary), '--', 'sleep', '300'], { home: sandbox.home, timeoutMs: 90_000 })

  it.each(['SIGTERM', 'SIGHUP', 'SIGINT'] as const)('%s ends the session and removes its container', async (signal) => {
    const wrapix = start()
    const container = await waitForRunning(sandbox.project.dir)
    expect(container.labels['wrapix.session']).toBeTruthy()
    const sentAt = Date.now()
    wrapix.kill(signal)
    const result = await wrapix
    expect(Date.now() - sentAt, String(result.stderr)).toBeLessThan(20_000)
    expect(result.exitCode === 0, String(result.stderr)).toBe(false) // interrupted, not a success
    expect(await waitForNoContainers({ 'wrapix.workspace': sandbox.project.dir }, 15_000)).toEqual([])
  })

  it('SIGKILL: podman is told by the kernel (parent-death signal) and the container goes too', async () => {
    const wrapix = start()
    await waitForRunning(sandbox.project.dir)
    wrapix.kill('SIGKILL')
    const result = await wrapix
    expect(result.signal).toBe('SIGKILL')
    expect(await waitForNoContainers({ 'wrapix.workspace': sandbox.project.dir }, 15_000)).toEqual([])
  })
})
