// ralph's task state lives under `.wrapix/ralph/` in a tree a hostile commit can shape: a committed link
// there must not make the host write task files, locks or logs outside the project.
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RalphConfigSchema } from '../../../src/ralph/ralph-config.js'
import { renderTaskPrompt } from '../../../src/ralph/run-task.js'
import { acquireTaskLock } from '../../../src/ralph/task-lock.js'
import { addTask } from '../../../src/ralph/task-store.js'

let root: string
let project: string
let elsewhere: string

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wrapix-ralph-files-'))
  project = join(root, 'project')
  elsewhere = join(root, 'elsewhere')
  await mkdir(join(project, '.wrapix', 'ralph'), { recursive: true })
  await mkdir(elsewhere)
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('ralph task state and links', () => {
  it('adds a task as a file under .wrapix/ralph/<spec>/', async () => {
    const task = await addTask(project, { spec: 'demo', title: 'First task', description: 'do it' })
    expect(await readdir(join(project, '.wrapix', 'ralph', 'demo'))).toEqual([task.file.split('/').pop()])
  })

  it('refuses a spec directory that is a committed link, writing nothing through it', async () => {
    await symlink(elsewhere, join(project, '.wrapix', 'ralph', 'demo'))
    await expect(addTask(project, { spec: 'demo', title: 'First task', description: 'do it' })).rejects.toThrow(/symbolic link/)
    expect(await readdir(elsewhere)).toEqual([])
  })

  it('refuses a lock directory that is a committed link, writing nothing through it', async () => {
    await symlink(elsewhere, join(project, '.wrapix', 'ralph', '.locks'))
    await expect(acquireTaskLock(project, 'demo-001')).rejects.toThrow(/symbolic link/)
    expect(await readdir(elsewhere)).toEqual([])
  })

  // The prompt goes into the sandbox: a committed link must not carry a host file (a key, a token) there.
  for (const [what, link] of [['spec', 'specs/demo.md'], ['notes', '.wrapix/ralph/notes.md'], ['run template', '.wrapix/ralph/templates/run.md']] as const) {
    it(`never reads the ${what} through a committed link into the prompt`, async () => {
      const secret = join(elsewhere, 'id_ed25519')
      await writeFile(secret, 'HOST-SECRET-KEY\n')
      await mkdir(join(project, link, '..'), { recursive: true })
      await symlink(secret, join(project, link))
      const task = await addTask(project, { spec: 'demo', title: 'First task', description: 'do it' })
      await expect(renderTaskPrompt(project, RalphConfigSchema.parse({}), task)).rejects.toThrow(/symbolic link/)
    })
  }

  it('never reads the spec through a linked specs folder', async () => {
    await writeFile(join(elsewhere, 'demo.md'), 'HOST-SECRET\n')
    await symlink(elsewhere, join(project, 'specs'))
    const task = await addTask(project, { spec: 'demo', title: 'First task', description: 'do it' })
    await expect(renderTaskPrompt(project, RalphConfigSchema.parse({}), task)).rejects.toThrow(/symbolic link/)
  })
})
