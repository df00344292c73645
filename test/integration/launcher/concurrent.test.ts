// Two sessions in one project at the same time: separate containers, separate ids, both finish cleanly.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { requirePodman, waitForNoContainers } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, runInSandbox, useSandboxProject } from '../../helpers/sandbox.js'

const podman = await requirePodman()

/** Marks itself started, then waits (bounded) until the other session has started too: proof of overlap. */
const overlapping = (me: string, other: string): string[] => [
  'sh', '-c',
  `echo "$WRAPIX_SESSION_ID" > /workspace/${me}.id; i=0; while [ ! -e /workspace/${other}.id ]; do i=$((i+1)); [ $i -gt 300 ] && exit 99; sleep 0.1; done; echo overlapped`,
]

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('two sessions in one project at once (%s boundary)', (boundary) => {
  const sandbox = useSandboxProject()

  it('run side by side without colliding', async () => {
    const [a, b] = await Promise.all([
      runInSandbox(boundary, sandbox.project.dir, overlapping('a', 'b'), { home: sandbox.home }),
      runInSandbox(boundary, sandbox.project.dir, overlapping('b', 'a'), { home: sandbox.home }),
    ])
    expect([a.exitCode, b.exitCode], `${a.stderr}\n${b.stderr}`).toEqual([0, 0])
    expect(a.stdout).toContain('overlapped')
    expect(b.stdout).toContain('overlapped')
    const ids = await Promise.all(['a', 'b'].map(async (n) => (await readFile(`${sandbox.project.dir}/${n}.id`, 'utf8')).trim()))
    expect(ids[0]).not.toBe('')
    expect(ids[0]).not.toBe(ids[1])
    expect(await waitForNoContainers({ 'wrapix.workspace': sandbox.project.dir })).toEqual([])
  })
})
