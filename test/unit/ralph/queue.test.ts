import { describe, expect, it } from 'vitest'
import { readyTasks, unknownDependencies } from '../../../src/ralph/queue.js'
import { queueExitCode, RUN_EXIT } from '../../../src/ralph/run-queue.js'
import type { Task } from '../../../src/ralph/task-schema.js'

const task = (id: string, over: Partial<Task> = {}): Task => ({
  id, title: id, priority: 2, dependsOn: [], status: 'todo', attempts: 0, sessions: [], spec: id.split('-')[0]!, file: `${id}.md`, description: '', ...over,
})

describe('readyTasks', () => {
  it('orders by priority (0 first), then by number', () => {
    const tasks = [task('a-010', { priority: 2 }), task('a-002', { priority: 2 }), task('a-003', { priority: 0 }), task('a-001', { priority: 4 })]
    expect(readyTasks(tasks).map((t) => t.id)).toEqual(['a-003', 'a-002', 'a-010', 'a-001'])
  })

  it('waits for dependencies to be done, across specs', () => {
    const tasks = [task('a-001', { status: 'running' }), task('a-002', { dependsOn: ['a-001'] }), task('b-001', { dependsOn: ['a-003'] }), task('a-003', { status: 'done' })]
    expect(readyTasks(tasks).map((t) => t.id)).toEqual(['b-001'])
  })

  it('skips parked, failed, running and done tasks, and tasks depending on them', () => {
    const tasks = (['blocked', 'clarify', 'conflict', 'failed', 'running', 'done'] as const).map((status, i) => task(`a-00${i}`, { status }))
    expect(readyTasks([...tasks, task('a-010', { dependsOn: ['a-001'] })])).toEqual([])
  })

  it('names dependencies on tasks that do not exist', () => {
    expect(unknownDependencies([task('a-001', { dependsOn: ['a-009'] })])).toMatchObject([{ missing: ['a-009'] }])
  })
})

describe('queueExitCode', () => {
  it.each([
    ['all done', [task('a-001', { status: 'done' })], [], RUN_EXIT.done],
    ['a failed task', [task('a-001', { status: 'failed' }), task('a-002', { status: 'blocked' })], [], RUN_EXIT.failed],
    ['a parked task', [task('a-001', { status: 'clarify' }), task('a-002', { status: 'done' })], [], RUN_EXIT.parked],
    ['no tasks', [], [], RUN_EXIT.nothingReady],
    ['tasks left but none ready', [task('a-001', { status: 'running' })], [], RUN_EXIT.nothingReady],
    ['--once made progress', [task('a-001', { status: 'done' }), task('a-002')], [task('a-001', { status: 'done' })], RUN_EXIT.done],
  ] as const)('%s', (_what, tasks, ran, code) => {
    expect(queueExitCode(tasks, ran)).toBe(code)
  })
})
