// Task files on a temp disk: add numbers tasks per spec, loading refuses duplicates, locks exclude a
// second live runner but not a dead one. (Pure file work, no podman.)
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadRalphConfig, profileFor } from '../../../src/ralph/ralph-config.js'
import { acquireTaskLock, lockPath, releaseTaskLock } from '../../../src/ralph/task-lock.js'
import { addTask, loadTasks } from '../../../src/ralph/task-store.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wrapix-ralph-unit-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('task store', () => {
  it('numbers new tasks per spec and writes files that load back', async () => {
    const first = await addTask(dir, { spec: 'auth', title: 'Log in', description: 'Do it.' })
    const second = await addTask(dir, { spec: 'auth', title: 'Log out', description: 'x', dependsOn: ['auth-001'], priority: 0 })
    const other = await addTask(dir, { spec: 'billing', title: 'Pay', description: 'x' })
    expect([first.id, second.id, other.id]).toEqual(['auth-001', 'auth-002', 'billing-001'])
    expect(second.file).toBe(join('.wrapix', 'ralph', 'auth', '002-log-out.md'))
    expect(loadTasks(dir).map((t) => [t.id, t.priority, t.dependsOn])).toEqual([['auth-001', 2, []], ['auth-002', 0, ['auth-001']], ['billing-001', 2, []]])
  })

  it('refuses an unknown dependency and a bad spec label, writing nothing', async () => {
    await expect(addTask(dir, { spec: 'auth', title: 'x', description: 'x', dependsOn: ['auth-009'] })).rejects.toThrow(/no such task/)
    await expect(addTask(dir, { spec: '../etc', title: 'x', description: 'x' })).rejects.toThrow(/spec label "..\/etc" is not valid/)
    expect(loadTasks(dir)).toEqual([])
  })

  it('refuses two files with the same id', async () => {
    const task = await addTask(dir, { spec: 'auth', title: 'One', description: 'x' })
    await writeFile(join(dir, '.wrapix', 'ralph', 'auth', '002-copy.md'), await readFile(join(dir, task.file), 'utf8'))
    expect(() => loadTasks(dir)).toThrow(/002-copy\.md:2: id: "auth-001" is also the id of/)
  })
})

describe('task locks', () => {
  it('excludes a second take while the holder lives, and replaces a dead holder\'s lock', async () => {
    expect(await acquireTaskLock(dir, 'auth-001')).toBe(true)
    expect(await acquireTaskLock(dir, 'auth-001')).toBe(false)
    await releaseTaskLock(dir, 'auth-001')
    expect(await acquireTaskLock(dir, 'auth-001')).toBe(true)
    await writeFile(lockPath(dir, 'auth-002'), JSON.stringify({ pid: 2 ** 22 + 7, startTicks: '1' }))
    expect(await acquireTaskLock(dir, 'auth-002')).toBe(true)
  })
})

describe('ralph config', () => {
  it('uses defaults without a file, and names file, line and field of a bad value', async () => {
    expect(loadRalphConfig(dir)).toMatchObject({ maxRetries: 2, timeoutMinutes: 30, watchdogGraceSeconds: 5, parallel: 1 })
    await addTask(dir, { spec: 'auth', title: 'x', description: 'x' })
    await writeFile(join(dir, '.wrapix', 'ralph', 'config.yaml'), 'maxRetries: 2\nparalel: 3\n')
    expect(() => loadRalphConfig(dir)).toThrow(/config\.yaml:2: \(top level\): unknown field "paralel"/)
  })

  it('chooses the profile: task, then spec, then config', async () => {
    await addTask(dir, { spec: 'auth', title: 'x', description: 'x' })
    await writeFile(join(dir, '.wrapix', 'ralph', 'config.yaml'), 'profile: base\nspecs:\n  auth:\n    profile: python\n')
    const config = loadRalphConfig(dir)
    expect(profileFor(config, { spec: 'auth', profile: 'rust' })).toBe('rust')
    expect(profileFor(config, { spec: 'auth' })).toBe('python')
    expect(profileFor(config, { spec: 'billing' })).toBe('base')
  })
})
