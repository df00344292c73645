import { describe, expect, it } from 'vitest'
import { planTasks, readProposal, taskFormatText, type PlanOptions, type Proposal } from '../../../src/ralph/task-proposal.js'
import type { Task } from '../../../src/ralph/task-schema.js'

const block = (json: unknown): string => `Here are the tasks.\n\n\`\`\`ralph-tasks\n${typeof json === 'string' ? json : JSON.stringify(json, null, 2)}\n\`\`\`\n`
const task = (title: string, extra: Record<string, unknown> = {}) => ({ title, description: `Do ${title}.`, ...extra })
const existing = (id: string, title: string): Task => ({
  id, title, priority: 2, dependsOn: [], status: 'done', attempts: 1, sessions: [], spec: 'demo', file: `.wrapix/ralph/demo/${id.slice(5)}-x.md`, description: 'd',
})
const opts = (over: Partial<PlanOptions> = {}): PlanOptions => ({ spec: 'demo', existing: [], allowedProfiles: [], tasksDir: '.wrapix/ralph/demo', ...over })

function proposal(text: string): Proposal {
  const reading = readProposal(text)
  if ('problem' in reading) throw new Error(reading.problem)
  return reading.proposal
}
function problem(text: string): string {
  const reading = readProposal(text)
  if (!('problem' in reading)) throw new Error('expected a problem')
  return reading.problem
}

describe('readProposal', () => {
  it('reads one block with defaults filled in', () => {
    expect(proposal(block({ tasks: [task('A'), task('B', { priority: 0, dependsOn: [1] })] })).tasks).toEqual([
      { title: 'A', description: 'Do A.', priority: 2, dependsOn: [] },
      { title: 'B', description: 'Do B.', priority: 0, dependsOn: [1] },
    ])
  })

  it('an empty list is a valid answer (nothing to add; clean for a review)', () => {
    expect(proposal(block({ tasks: [], summary: 'The work meets the spec.' }))).toEqual({ tasks: [], summary: 'The work meets the spec.' })
  })

  it('refuses a missing block, two blocks, bad JSON and an unknown field, naming the problem', () => {
    expect(problem('All done, no tasks.')).toBe('the final result has no ```ralph-tasks block')
    expect(problem(block({ tasks: [] }) + block({ tasks: [] }))).toMatch(/2 ```ralph-tasks blocks; exactly one/)
    expect(problem(block('{"tasks": [ {"title": "A",'))).toMatch(/^the ralph-tasks block is not valid JSON: /)
    expect(problem(block({ tasks: [task('A', { status: 'done' })] }))).toBe('tasks[1]: unknown field "status"')
    expect(problem(block({ tasks: [task('A'), { title: 'B' }] }))).toBe('tasks[2].description: Invalid input: expected string, received undefined')
  })

  it('refuses control characters, multi-line titles, bidi overrides and out-of-range values', () => {
    expect(problem(block({ tasks: [task('A\nB')] }))).toBe('tasks[1].title: one line, without control characters')
    expect(problem(block({ tasks: [{ title: 'A \u001b[2J', description: 'd' }] }))).toBe('tasks[1].title: one line, without control characters')
    expect(problem(block({ tasks: [{ title: 'safe\u202eexe.txt', description: 'd' }] }))).toBe('tasks[1].title: one line, without control characters')
    expect(problem(block({ tasks: [task('A', { description: 'x\u0007' })] }))).toBe('tasks[1].description: text without control characters')
    expect(problem(block({ tasks: [task('A', { priority: 9 })] }))).toMatch(/^tasks\[1\]\.priority: /)
    expect(problem(block({ tasks: [task('A', { dependsOn: ['../../etc/passwd'] })] }))).toMatch(/^tasks\[1\]\.dependsOn\[0\]: /)
    expect(problem(block({ tasks: [task('A', { profile: '../x' })] }))).toMatch(/^tasks\[1\]\.profile: a profile name/)
  })

  it('caps sizes and counts', () => {
    expect(problem(block({ tasks: Array.from({ length: 31 }, (_, i) => task(`T${i}`)) }))).toBe('tasks: at most 30 tasks at once')
    expect(problem(block({ tasks: [task('A'.repeat(201))] }))).toMatch(/^tasks\[1\]\.title: Too big/)
    expect(problem(block({ tasks: [task('A', { description: 'x'.repeat(8001) })] }))).toMatch(/^tasks\[1\]\.description: Too big/)
    expect(problem(block({ tasks: [task('A', { description: 'x'.repeat(7000) })], summary: 'y'.repeat(130_000) }))).toMatch(/KiB; the limit is 128 KiB/)
  })
})

describe('planTasks', () => {
  it('numbers new tasks after the existing ones and resolves dependencies by position and by id', () => {
    const planned = planTasks(proposal(block({ tasks: [task('Parse the file'), task('Use it', { dependsOn: [1, 'demo-002'] })] })), opts({ existing: [existing('demo-001', 'x'), existing('demo-002', 'y')] }))
    if ('problem' in planned) throw new Error(planned.problem)
    expect(planned.tasks.map((t) => [t.id, t.file, t.dependsOn, t.status])).toEqual([
      ['demo-003', '.wrapix/ralph/demo/003-parse-the-file.md', [], 'todo'],
      ['demo-004', '.wrapix/ralph/demo/004-use-it.md', ['demo-003', 'demo-002'], 'todo'],
    ])
  })

  it('titles never become paths: the file name is the number and a slug', () => {
    const planned = planTasks(proposal(block({ tasks: [task('../../../.ssh/authorized_keys'), task('/etc/cron.d/x')] })), opts())
    if ('problem' in planned) throw new Error(planned.problem)
    expect(planned.tasks.map((t) => t.file)).toEqual(['.wrapix/ralph/demo/001-ssh-authorized-keys.md', '.wrapix/ralph/demo/002-etc-cron-d-x.md'])
  })

  it('refuses a dependency on a later task, on itself, or on a task that does not exist', () => {
    expect(planTasks(proposal(block({ tasks: [task('A', { dependsOn: [2] }), task('B')] })), opts())).toEqual({ problem: 'tasks[1].dependsOn: 2 is not an earlier task in this list (list tasks in the order they can be done)' })
    expect(planTasks(proposal(block({ tasks: [task('A', { dependsOn: [1] })] })), opts())).toMatchObject({ problem: expect.stringMatching(/^tasks\[1\]\.dependsOn: 1 is not an earlier task/) })
    expect(planTasks(proposal(block({ tasks: [task('A', { dependsOn: ['demo-007'] })] })), opts())).toEqual({ problem: 'tasks[1].dependsOn: no task demo-007 in spec demo' })
    expect(planTasks(proposal(block({ tasks: [task('A', { dependsOn: ['other-001'] })] })), opts())).toEqual({ problem: 'tasks[1].dependsOn: no task other-001 in spec demo' })
  })

  it('allows only the profiles the config lets the agent choose', () => {
    const rust = proposal(block({ tasks: [task('A', { profile: 'rust' })] }))
    expect(planTasks(rust, opts())).toEqual({ problem: 'tasks[1].profile: "rust" is not a profile the agent may choose (taskProfiles in .wrapix/ralph/config.yaml: none)' })
    const planned = planTasks(rust, opts({ allowedProfiles: ['rust'] }))
    expect('tasks' in planned && planned.tasks[0]!.profile).toBe('rust')
  })

  it('skips a task the queue already holds (same title), and a dependency on it names the existing task', () => {
    const planned = planTasks(proposal(block({ tasks: [task('parse the FILE'), task('New', { dependsOn: [1] })] })), opts({ existing: [existing('demo-001', 'Parse the file')] }))
    if ('problem' in planned) throw new Error(planned.problem)
    expect(planned.skipped).toEqual([{ title: 'parse the FILE', id: 'demo-001' }])
    expect(planned.tasks.map((t) => [t.id, t.dependsOn])).toEqual([['demo-002', ['demo-001']]])
  })

  it('parks every new task with a note when asked (a review past its cap)', () => {
    const planned = planTasks(proposal(block({ tasks: [task('Fix it')] })), opts({ park: { status: 'clarify', note: 'continue?' } }))
    expect('tasks' in planned && planned.tasks[0]).toMatchObject({ status: 'clarify', note: 'continue?' })
  })

  it('describes the format with the example it parses', () => {
    const example = /```ralph-tasks\n[\s\S]*?\n```/.exec(taskFormatText('demo', []))![0]
    expect(proposal(example.replace('"…"', '"Wire it."')).tasks).toHaveLength(2)
  })
})
