// Two sessions in one project at the same time: separate containers, separate ids, both finish cleanly.
import { readFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isolatedHome, tempProject, type IsolatedHome, type TempProject } from '../../helpers/cli.js'
import { removeContainersByLabel, requirePodman, waitForNoContainers } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, runInSandbox } from '../../helpers/sandbox.js'

const podman = await requirePodman()

/** Marks itself started, then waits (bounded) until the other session has started too: proof of overlap. */
const overlapping = (me: string, other: string): string[] => [
  'sh', '-c',
  `echo "$WRAPIX_SESSION_ID" > /workspace/${me}.id; i=0; while [ ! -e /workspace/${other}.id ]; do i=$((i+1)); [ $i -gt 300 ] && exit 99; sleep 0.1; done; echo overlapped`,
]

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('two sessions in one project at once (%s boundary)', (boundary) => {
  let project: TempProject
  let home: IsolatedHome
  beforeEach(async () => {
    project = await tempProject()
    home = await isolatedHome()
  })
  afterEach(async () => {
    await removeContainersByLabel({ 'wrapix.workspace': project.dir })
    await project.cleanup()
    await home.cleanup()
  })

  it('run side by side without colliding', async () => {
    const [a, b] = await Promise.all([
      runInSandbox(boundary, project.dir, overlapping('a', 'b'), { home }),
      runInSandbox(boundary, project.dir, overlapping('b', 'a'), { home }),
    ])
    expect([a.exitCode, b.exitCode], `${a.stderr}\n${b.stderr}`).toEqual([0, 0])
    expect(a.stdout).toContain('overlapped')
    expect(b.stdout).toContain('overlapped')
    const ids = await Promise.all(['a', 'b'].map(async (n) => (await readFile(`${project.dir}/${n}.id`, 'utf8')).trim()))
    expect(ids[0]).not.toBe('')
    expect(ids[0]).not.toBe(ids[1])
    expect(await waitForNoContainers({ 'wrapix.workspace': project.dir })).toEqual([])
  })
})
