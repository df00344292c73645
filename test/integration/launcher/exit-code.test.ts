// The launcher runs the user's command in the sandbox and hands back its output and its own exit code.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempProject, type TempProject } from '../../helpers/cli.js'
import { removeContainersByLabel, requirePodman, waitForNoContainers } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, runInSandbox } from '../../helpers/sandbox.js'

const podman = await requirePodman()

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('wrapix run -- CMD (%s boundary)', (boundary) => {
  let project: TempProject
  beforeEach(async () => {
    project = await tempProject({ 'hello.txt': 'hello from the project\n' })
  })
  afterEach(async () => {
    await removeContainersByLabel({ 'wrapix.workspace': project.dir })
    await project.cleanup()
  })

  it('returns the command exit code', async () => {
    const result = await runInSandbox(boundary, project.dir, ['sh', '-c', 'exit 7'])
    expect(result.exitCode, result.stderr).toBe(7)
  })

  it('returns 0 and the command output, with /workspace as working directory', async () => {
    const result = await runInSandbox(boundary, project.dir, ['sh', '-c', 'pwd; cat hello.txt'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.split('\n')).toEqual(expect.arrayContaining(['/workspace', 'hello from the project']))
  })

  it('passes arguments with spaces and quotes through unchanged', async () => {
    const arg = `it's "one" argument  with  spaces`
    const result = await runInSandbox(boundary, project.dir, ['printf', '[%s]\\n', arg, 'second'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain(`[${arg}]\n[second]\n`)
  })

  it('leaves no container behind after the command ends', async () => {
    const result = await runInSandbox(boundary, project.dir, ['true'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(await waitForNoContainers({ 'wrapix.workspace': project.dir })).toEqual([])
  })
})
