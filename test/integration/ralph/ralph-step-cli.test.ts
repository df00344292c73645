// The spec commands' CLI (the built `wrapix ralph`), up to the point where a session would start: what
// `init` prints, and the one-line refusals that come before any sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isolatedHome, runWrapix, tempProject, type IsolatedHome, type TempProject } from '../../helpers/cli.js'

let project: TempProject
let home: IsolatedHome
const ralph = (...args: string[]) => runWrapix(['ralph', ...args, '-C', project.dir], { home })

beforeAll(async () => {
  project = await tempProject({ 'README.md': 'demo\n' }, 'wrapix-ralph-cli-')
  home = await isolatedHome()
})
afterAll(async () => {
  await project.cleanup()
  await home.cleanup()
})

describe('ralph init, plan, todo, check and run --check: refusals before any session', () => {
  it('init creates the files, then keeps them, and names the next step', async () => {
    const first = await ralph('init')
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stdout).toContain('created  .wrapix/ralph/templates/todo.md')
    expect(first.stderr).toContain('next: write a spec with the agent: ralph plan -n LABEL')
    const second = await ralph('init')
    expect(second.stdout).toContain('kept     .wrapix/ralph/config.yaml')
  })

  it.each([
    [['todo'], 'the project has no spec in specs/'],
    [['check'], 'the project has no spec in specs/'],
    [['todo', '--spec', '../etc'], 'spec label "../etc": use lower-case letters'],
    [['todo', '--spec', 'logs'], "logs, templates are ralph's own folders"],
    [['todo', '--spec', 'demo'], 'there is no spec specs/demo.md'],
    [['plan'], 'ralph plan needs one of -n LABEL (a new spec) or -u LABEL (update one)'],
    [['plan', '-n', 'a', '-u', 'b'], 'ralph plan needs one of -n LABEL'],
    [['plan', '-n', 'Auth Flow'], 'spec label "Auth Flow"'],
    [['run', '--push'], '--push pushes after a clean review'],
    [['run', '--check', '--once'], '--check reviews a whole queue; it does not go with --once'],
    [['todo', '--agent', 'codex'], 'ralph runs claude only (not codex)'],
  ])('ralph %j refuses: %s', async (args, message) => {
    const r = await ralph(...args)
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain(message)
  })
})
