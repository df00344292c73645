// The host side of ralph's spec commands, without a sandbox: init keeps what exists and writes nothing
// through a link; task files from a proposal are written all or none; a spec is read from its commit,
// never through a committed link; the per-spec state is validated before git sees it.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { initProject } from '../../../src/ralph/init-project.js'
import { loadSpecState, saveSpecState } from '../../../src/ralph/spec-state.js'
import { planTasks, readProposal } from '../../../src/ralph/task-proposal.js'
import { createTasks, loadTasks } from '../../../src/ralph/task-store.js'
import { committedSpec } from '../../../src/ralph/todo.js'

let root: string
let project: string
const git = (...args: string[]) => execa('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args], { cwd: project })

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wrapix-ralph-spec-'))
  project = join(root, 'project')
  await mkdir(project)
  await git('init', '-q', '-b', 'main')
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('ralph init', () => {
  it('creates specs/, the config and four templates; a second run keeps them, edits included', async () => {
    const first = await initProject(project)
    expect(first.map((e) => [e.path, e.created])).toEqual([
      ['specs/', true], ['.wrapix/ralph/config.yaml', true],
      ['.wrapix/ralph/templates/plan.md', true], ['.wrapix/ralph/templates/todo.md', true],
      ['.wrapix/ralph/templates/run.md', true], ['.wrapix/ralph/templates/check.md', true],
    ])
    await writeFile(join(project, '.wrapix/ralph/templates/run.md'), 'my own {{title}}\n')
    expect((await initProject(project)).every((e) => !e.created)).toBe(true)
    expect(await readFile(join(project, '.wrapix/ralph/templates/run.md'), 'utf8')).toBe('my own {{title}}\n')
    expect((await git('status', '--porcelain')).stdout).toContain('?? .wrapix/') // no git operations: nothing staged
  })

  it('writes nothing through a committed link', async () => {
    const elsewhere = join(root, 'elsewhere')
    await mkdir(elsewhere)
    await mkdir(join(project, '.wrapix'))
    await symlink(elsewhere, join(project, '.wrapix', 'ralph'))
    await expect(initProject(project)).rejects.toThrow(/symbolic link/)
    expect(await readdir(elsewhere)).toEqual([])
  })
})

describe('task files from a proposal', () => {
  const proposal = (tasks: unknown[]) => {
    const r = readProposal(`\`\`\`ralph-tasks\n${JSON.stringify({ tasks })}\n\`\`\``)
    if ('problem' in r) throw new Error(r.problem)
    return r.proposal
  }

  it('writes all of them, or none when one cannot be written', async () => {
    const planned = planTasks(proposal([{ title: 'One', description: 'a' }, { title: 'Two', description: 'b', dependsOn: [1] }]), { spec: 'demo', existing: [], allowedProfiles: [], tasksDir: '.wrapix/ralph/demo' })
    if ('problem' in planned) throw new Error(planned.problem)
    // Something is already where the second file goes: the first must not stay behind.
    await mkdir(join(project, '.wrapix/ralph/demo'), { recursive: true })
    await writeFile(join(project, '.wrapix/ralph/demo/002-two.md'), 'a human was here\n')
    await expect(createTasks(project, 'demo', planned.tasks)).rejects.toThrow(/EEXIST/)
    expect(await readdir(join(project, '.wrapix/ralph/demo'))).toEqual(['002-two.md'])
    await rm(join(project, '.wrapix/ralph/demo/002-two.md'))
    await createTasks(project, 'demo', planned.tasks)
    expect(loadTasks(project, ['demo']).map((t) => [t.id, t.dependsOn])).toEqual([['demo-001', []], ['demo-002', ['demo-001']]])
  })
})

describe('the spec, by commit', () => {
  it('reads the committed spec; refuses a missing, uncommitted or edited one with the fix', async () => {
    await expect(committedSpec(project, 'demo')).rejects.toThrow('there is no spec specs/demo.md')
    await mkdir(join(project, 'specs'))
    await writeFile(join(project, 'specs/demo.md'), '# Demo\n')
    await expect(committedSpec(project, 'demo')).rejects.toThrow('specs/demo.md is not committed; ralph reads specs by commit')
    await git('add', '.')
    await git('commit', '-qm', 'spec')
    const { head, file } = await committedSpec(project, 'demo')
    expect(head).toMatch(/^[0-9a-f]{40}$/)
    expect(file.text).toBe('# Demo\n')
    await writeFile(join(project, 'specs/demo.md'), '# Demo\nmore\n')
    await expect(committedSpec(project, 'demo')).rejects.toThrow('specs/demo.md has changes that are not committed')
  })

  it('never reads a spec that is a committed link (it would carry a host file into the prompt)', async () => {
    await writeFile(join(root, 'secret'), 'HOST-SECRET\n')
    await mkdir(join(project, 'specs'))
    await symlink(join(root, 'secret'), join(project, 'specs/demo.md'))
    await git('add', '.')
    await git('commit', '-qm', 'link')
    await expect(committedSpec(project, 'demo')).rejects.toThrow(/symbolic link/)
  })
})

describe('spec state', () => {
  it('round-trips, and refuses a planted commit that is not an object id', async () => {
    const id = 'a'.repeat(40)
    await saveSpecState(project, 'demo', { baseCommit: id, todoCommit: id, todoBlob: id, checkRounds: 2 })
    expect(await loadSpecState(project, 'demo')).toEqual({ baseCommit: id, todoCommit: id, todoBlob: id, checkRounds: 2 })
    await writeFile(join(project, '.wrapix/ralph/demo/state.json'), JSON.stringify({ baseCommit: '--output=/tmp/x' }))
    await expect(loadSpecState(project, 'demo')).rejects.toThrow('.wrapix/ralph/demo/state.json: baseCommit: a full git object id')
  })
})
