// Resource limits hold: a fork bomb stops at the pids limit without hurting the host, and a process that
// allocates past the memory limit is killed.
import { execa } from 'execa'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempProject, type TempProject } from '../../helpers/cli.js'
import { removeContainersByLabel, requirePodman, waitForNoContainers } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, runInSandbox } from '../../helpers/sandbox.js'

const podman = await requirePodman()

// A bounded fork bomb: fork until the kernel refuses (at most 2000), every child holding its pid for 4 s.
const FORK_BOMB = `
import os, time
n = 0
while n < 2000:
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(4)
        os._exit(0)
    n += 1
print("forked", n, flush=True)
time.sleep(2)
`

// Allocates (and touches) 400 MiB in 1 MiB steps.
const MEMORY_HOG = `
chunks = []
for i in range(400):
    chunks.append(b"x" * (1 << 20))
print("allocated", len(chunks), "MiB", flush=True)
`

/** Spawns `true` on the host every 200 ms until stopped; resolves with the slowest spawn in ms. */
function watchHostLatency(): { stop(): Promise<number> } {
  let running = true
  let worst = 0
  const loop = (async () => {
    while (running) {
      const start = performance.now()
      await execa('true')
      worst = Math.max(worst, performance.now() - start)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  })()
  return { stop: async () => ((running = false), await loop, worst) }
}

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('resource limits (%s boundary)', (boundary) => {
  let project: TempProject
  beforeEach(async () => {
    project = await tempProject()
  })
  afterEach(async () => {
    await removeContainersByLabel({ 'wrapix.workspace': project.dir })
    await project.cleanup()
  })

  // gVisor's own threads count against the host pids limit (and, on the ptrace platform, every guest
  // process has a host stub), so it cannot start under a limit as small as the one crun gets here.
  const pidsLimit = boundary === 'gvisor' ? 256 : 64

  it(`contains a fork bomb with --pids-limit ${pidsLimit} and keeps the host responsive`, async () => {
    const latency = watchHostLatency()
    const started = Date.now()
    const result = await runInSandbox(boundary, project.dir, ['python3', '-c', FORK_BOMB], {
      flags: ['--pids-limit', String(pidsLimit), '--memory', '512'],
      timeoutMs: 60_000,
    })
    const worstMs = await latency.stop()
    expect(result.timedOut).toBe(false)
    expect(Date.now() - started).toBeLessThan(60_000)
    if (boundary === 'container') {
      // The bomb ran into the limit: fork failed long before 2000 processes.
      expect(result.exitCode, result.stderr).toBe(0)
      const forked = Number(/forked (\d+)/.exec(result.stdout)?.[1])
      expect(forked).toBeGreaterThan(0)
      expect(forked).toBeLessThan(pidsLimit)
    } else {
      // Under gVisor the limit either stops the forks or ends the whole sandbox (measured: exit 2, no
      // message, after ~40 guest processes with 256): never 2000 processes.
      const forked = /forked (\d+)/.exec(result.stdout)?.[1]
      if (forked === undefined) expect(result.exitCode).not.toBe(0)
      else expect(Number(forked)).toBeLessThan(pidsLimit)
    }
    expect(worstMs).toBeLessThan(2_000)
    expect(await waitForNoContainers({ 'wrapix.workspace': project.dir })).toEqual([])
  })

  it('kills a process that allocates past --memory 64', async () => {
    const result = await runInSandbox(boundary, project.dir, ['python3', '-c', MEMORY_HOG], { flags: ['--memory', '64'] })
    expect(result.stdout).not.toContain('allocated 400')
    expect(result.exitCode, result.stderr).toBe(137) // SIGKILL from the OOM killer, as 128 + 9
    expect(await waitForNoContainers({ 'wrapix.workspace': project.dir })).toEqual([])
  })

  it('lets a process use memory below the limit', async () => {
    const result = await runInSandbox(boundary, project.dir, ['python3', '-c', MEMORY_HOG], { flags: ['--memory', '1024'] })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('allocated 400 MiB')
  })
})
