// ralph check and ralph run --check with the REAL claude binary in real sandboxes against the scripted mock
// Messages API: a review that finds the work clean (then --push: refused on a detached HEAD, a failed push
// reported, a push that lands); a review that adds a fix-up which run then completes; and the iteration cap
// parking the next fix-up with a question. Each scenario has its own project and mock, so they run at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import { ensureClaudeBinary } from '../../helpers/claude-binary.js'
import { startMockAnthropic, type MockAnthropic, type MockScript, type MockTurn } from '../../helpers/mock-anthropic.js'
import { requirePodman } from '../../helpers/podman.js'
import { agentRequests, finalText, git, ralphProject, ralphSessionFlags, readRecords, readTasks, tasksText, type RalphProject } from '../../helpers/ralph.js'

const podman = await requirePodman()
const SPEC = '# Hello\nA file hello.txt that says hello, on two lines.\n'
// Markers from the built-in templates: the first user message tells the steps apart.
const TODO = 'into tasks for a queue'
const CHECK = 'You review the work done'
const RUN = 'You are working on one task'
/** Up to five sandbox sessions in a row, on a loaded machine. */
const SCENARIO_TIMEOUT = 900_000

const commit = (command: string, message: string): MockTurn[] => [
  { content: [{ type: 'tool_use', name: 'Bash', input: { command: `${command} && git add -A && git commit -qm '${message}'`, description: 'commit' } }] },
  { content: [finalText('Committed.', 'RALPH_COMPLETE')] },
]
const oneTask = (title: string): MockTurn[] => [{ content: [tasksText('One task.', { tasks: [{ title, description: `${title}.` }] })] }]

describe.skipIf(!podman)('ralph check', () => {
  let claude: string
  const mocks: MockAnthropic[] = []
  const projects: RalphProject[] = []

  beforeAll(() => {
    claude = ensureClaudeBinary()
  }, 600_000)
  afterAll(async () => {
    for (const mock of mocks) await mock.close()
    for (const project of projects) await project.cleanup()
  })

  /** A project with a committed spec, its tasks from one todo, and its own mock. */
  async function setup(byMarker: MockScript['byMarker'], config = ''): Promise<{ project: RalphProject; mock: MockAnthropic; flags: string[] }> {
    const mock = await startMockAnthropic({ turns: [], byMarker: byMarker! })
    mocks.push(mock)
    const project = await ralphProject({ 'specs/demo.md': SPEC, '.wrapix/ralph/config.yaml': `maxRetries: 0\n${config}` }, [], 'demo', 600_000)
    projects.push(project)
    const flags = ralphSessionFlags(claude, mock.url)
    const todo = await project.ralph('todo', ...flags)
    expect(todo.exitCode, todo.stderr).toBe(0)
    return { project, mock, flags }
  }

  it.concurrent('clean: says so; --push refuses a detached HEAD before reviewing, reports a failed push, then pushes', async () => {
    const { project, mock, flags } = await setup({
      [CHECK]: [[{ content: [tasksText('The work meets the spec.', { tasks: [], summary: 'hello.txt says hello on two lines.' })] }]],
      [TODO]: [oneTask('Write hello.txt')],
      [RUN]: [commit("printf 'hello\\nhello\\n' > hello.txt", 'demo-001: hello')],
    })
    const run = await project.ralph('run', ...flags)
    expect(run.exitCode, run.stderr).toBe(0)

    const check = await project.ralph('check', ...flags)
    expect(check.exitCode, check.stderr).toBe(0)
    expect(check.stdout).toContain('demo: clean: the work meets the spec (review round 1)')
    expect(check.stdout).toContain('hello.txt says hello on two lines.')
    // The reviewer saw the work since the spec's base commit.
    expect(agentRequests(mock.requests, CHECK)[0]).toContain('+hello')

    await git(project.dir, 'checkout', '-q', '--detach')
    const requests = mock.requests.length
    const detached = await project.ralph('check', '--push', ...flags)
    expect(detached.exitCode).toBe(2)
    expect(detached.stderr).toContain('HEAD is detached: refusing to push')
    expect(mock.requests.length).toBe(requests)
    await git(project.dir, 'checkout', '-q', 'main')

    const remote = `${project.dir}.remote.git`
    await git(project.dir, 'remote', 'add', 'origin', `${project.dir}.missing.git`)
    const failed = await project.ralph('check', '--push', ...flags)
    expect(failed.exitCode).toBe(4)
    expect(failed.stderr).toMatch(/git push of main failed: .*(does not appear to be a git repository|no upstream|has no upstream)/)

    await execa('git', ['init', '-q', '--bare', remote])
    try {
      await git(project.dir, 'remote', 'set-url', 'origin', remote)
      await git(project.dir, 'push', '-q', '-u', 'origin', 'HEAD~1:refs/heads/main')
      await git(project.dir, 'branch', '-q', '--set-upstream-to', 'origin/main')
      const pushed = await project.ralph('check', '--push', ...flags)
      expect(pushed.exitCode, pushed.stderr).toBe(0)
      expect(pushed.stderr).toContain('pushed main')
      expect((await execa('git', ['rev-parse', 'main'], { cwd: remote })).stdout).toBe((await git(project.dir, 'rev-parse', 'HEAD')).trim())
    } finally {
      await execa('rm', ['-rf', remote])
    }
  }, SCENARIO_TIMEOUT)

  it.concurrent('run --check: a fix-up from the review (with its own profile) is run and completed; past the cap the next fix-up is parked with a question', async () => {
    const { project, mock, flags } = await setup({
      [CHECK]: [
        [{ content: [tasksText('One line is missing.', { tasks: [{ title: 'Add the second line', description: 'hello.txt needs two lines.', priority: 1, profile: 'python' }] })] }],
        [{ content: [tasksText('Still not right.', { tasks: [{ title: 'End with a newline', description: 'Make sure the file ends with a newline.' }] })] }],
      ],
      [TODO]: [oneTask('Write hello.txt')],
      [RUN]: [commit("printf 'hello\\n' > hello.txt", 'demo-001: hello'), commit("printf 'hello\\n' >> hello.txt", 'demo-002: second line')],
    }, 'maxIterations: 1\ntaskProfiles: [python]\nspecs:\n  demo: { profile: rust }\n')
    const run = await project.ralph('run', '--check', ...flags)
    expect(run.exitCode, run.stderr).toBe(11) // parked
    expect(run.stdout).toContain('demo: review round 1 added 1 fix-up task, queued: ralph run')
    expect(run.stdout).toContain('demo: review round 2 added 1 fix-up task, parked for you')
    const tasks = await readTasks(project.dir, 'demo')
    expect([...tasks.values()].map((t) => [t.id, t.title, t.status])).toEqual([
      ['demo-001', 'Write hello.txt', 'done'],
      ['demo-002', 'Add the second line', 'done'],
      ['demo-003', 'End with a newline', 'clarify'],
    ])
    expect(tasks.get('demo-003')!.note).toContain('review round 2 still found work to do, past the cap of 1 round (maxIterations)')
    expect((await git(project.dir, 'log', '--format=%s')).split('\n').slice(0, 2)).toEqual(['demo-002: second line', 'demo-001: hello'])
    // Each step was a session of its own, with its own record; the spec's profile, and the fix-up's own.
    expect(tasks.get('demo-002')!.profile).toBe('python')
    expect((await readRecords(project.dir)).map((r) => [r.taskId, r.profile.name])).toEqual([
      ['demo.todo', 'rust'], ['demo-001', 'rust'], ['demo.check', 'rust'], ['demo-002', 'python'], ['demo.check', 'rust'],
    ])
    // The second review saw the fix-up's work.
    expect(agentRequests(mock.requests, CHECK)[1]).toContain('demo-002 [done] Add the second line')
    // The parked fix-up is an open question like any other.
    const msg = await project.ralph('msg')
    expect(msg.stdout).toContain('demo-003')
    expect(msg.stdout).toContain('Option 2')
  }, SCENARIO_TIMEOUT)
})
