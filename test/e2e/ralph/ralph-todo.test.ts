// ralph todo with the REAL claude binary in a real sandbox against the scripted mock Messages API: a spec
// becomes tasks the host validates and writes; a second todo after a spec edit reads only the change and
// adds only the new work; an unchanged spec adds nothing without a session; a malformed answer from the
// agent is refused with a clear message and nothing is written.
import { existsSync } from 'node:fs'
import { appendFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureClaudeBinary } from '../../helpers/claude-binary.js'
import { startMockAnthropic, type MockAnthropic } from '../../helpers/mock-anthropic.js'
import { requirePodman } from '../../helpers/podman.js'
import { agentRequests, git, ralphProject, ralphSessionFlags, readRecords, readTasks, tasksText, type RalphProject } from '../../helpers/ralph.js'

const podman = await requirePodman()
const SPEC = '# Greeter\nMARK-spec-v1\nA command that prints a greeting.\n\n- parse the name\n- print "hello NAME"\n- a test\n'
const MORE = '\n## Later\nMARK-spec-v2\n- a --shout flag that prints in capitals\n'

describe.skipIf(!podman)('ralph todo: from a spec to task files', () => {
  let project: RalphProject
  let mock: MockAnthropic
  let claude: string
  const ralph = (...args: string[]) => project.ralph(...args)
  const flags = () => ralphSessionFlags(claude, mock.url)

  beforeAll(async () => {
    claude = ensureClaudeBinary()
    project = await ralphProject({ 'specs/demo.md': SPEC, 'specs/bad.md': '# Bad\nMARK-spec-bad\n' })
    mock = await startMockAnthropic({
      turns: [],
      byMarker: {
        // The second todo's prompt holds the whole spec (v1 too): its own marker comes first.
        'MARK-spec-v2': [[{ content: [tasksText('One new task for the change.', { tasks: [
          // Proposed again by mistake: the queue holds it already, so it is skipped.
          { title: 'Print the greeting', description: 'Print hello NAME.' },
          { title: 'Add --shout', description: 'Print the greeting in capitals with --shout; a test shows it.', priority: 3, dependsOn: ['demo-002'] },
        ] })] }]],
        'MARK-spec-v1': [[{ content: [tasksText('Three tasks.', { tasks: [
          { title: 'Parse the name', description: 'Read the name from argv; a missing name is an error.', priority: 1 },
          { title: 'Print the greeting', description: 'Print hello NAME.', dependsOn: [1] },
          { title: 'Add a test', description: 'A test runs the command and checks the output.', priority: 3 },
        ], summary: 'Parse, then print; the test can come any time.' })] }]],
        'MARK-spec-bad': [[
          // Asked to change nothing, it commits anyway: ralph says so.
          { content: [{ type: 'tool_use', name: 'Bash', input: { command: "git commit -q --allow-empty -m 'sneaky'", description: 'commit' } }] },
          { content: [tasksText('Tasks.', { tasks: [
          { title: 'A fine task', description: 'ok' },
          { title: '../../../.ssh/authorized_keys', description: 'plant a key', dependsOn: ['bad-007'] },
        ] })] },
        ]],
      },
    })
  }, 600_000)
  afterAll(async () => {
    await mock?.close()
    await project?.cleanup()
  })

  it('turns the spec into three tasks with one dependency; an unchanged spec adds nothing; an edit adds only the new work', async () => {
    const first = await ralph('todo', '--spec', 'demo', ...flags())
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stdout).toContain('demo: 3 tasks added from specs/demo.md')
    expect(first.stdout).toContain('Parse, then print')
    let tasks = await readTasks(project.dir, 'demo')
    expect([...tasks.values()].map((t) => [t.id, t.title, t.priority, t.dependsOn, t.status])).toEqual([
      ['demo-001', 'Parse the name', 1, [], 'todo'],
      ['demo-002', 'Print the greeting', 2, ['demo-001'], 'todo'],
      ['demo-003', 'Add a test', 3, [], 'todo'],
    ])
    expect(tasks.get('demo-001')!.file).toBe('.wrapix/ralph/demo/001-parse-the-name.md')
    // The spec went in whole; the session has its own record, as any wrapix session.
    expect(agentRequests(mock.requests, 'MARK-spec-v1')[0]).toContain('print \\"hello NAME\\"')
    const [record] = await readRecords(project.dir)
    expect(record).toMatchObject({ taskId: 'demo.todo', mode: 'ralph', exitCode: 0 })
    const head = (await git(project.dir, 'rev-parse', 'HEAD')).trim()
    const state = JSON.parse(await readFile(join(project.dir, '.wrapix/ralph/demo/state.json'), 'utf8'))
    expect(state).toMatchObject({ baseCommit: head, todoCommit: head })

    // Nothing changed: no session at all, and it says so.
    const requestsBefore = mock.requests.length
    const again = await ralph('todo', '--spec', 'demo', ...flags())
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stdout).toContain('specs/demo.md has not changed since the last todo')
    expect(mock.requests.length).toBe(requestsBefore)
    expect((await readRecords(project.dir)).length).toBe(1)

    // The spec grows; only its change is the work.
    await appendFile(join(project.dir, 'specs/demo.md'), MORE)
    const dirty = await ralph('todo', '--spec', 'demo', ...flags())
    expect(dirty.exitCode).toBe(2)
    expect(dirty.stderr).toContain('specs/demo.md has changes that are not committed')
    await git(project.dir, 'commit', '-qam', 'spec: --shout')
    const second = await ralph('todo', '--spec', 'demo', ...flags())
    expect(second.exitCode, second.stderr).toBe(0)
    expect(second.stdout).toContain(`demo: 1 task added from the change to specs/demo.md since ${head.slice(0, 12)}`)
    expect(second.stdout).toContain('already queued as demo-002')
    tasks = await readTasks(project.dir, 'demo')
    expect([...tasks.keys()]).toEqual(['demo-001', 'demo-002', 'demo-003', 'demo-004'])
    expect(tasks.get('demo-004')).toMatchObject({ title: 'Add --shout', priority: 3, dependsOn: ['demo-002'], status: 'todo' })
    const prompt = agentRequests(mock.requests, 'MARK-spec-v2')[0]!
    expect(prompt).toContain('+MARK-spec-v2') // the diff since the last todo
    expect(prompt).toContain('demo-002 [todo] Print the greeting') // what the queue already holds
  }, 600_000)

  it("refuses a malformed answer with a clear message and writes nothing", async () => {
    const bad = await ralph('todo', '--spec', 'bad', ...flags())
    expect(bad.exitCode, bad.stderr).toBe(10)
    expect(bad.stderr).toContain("bad: the agent's tasks were refused: tasks[2].dependsOn: no task bad-007 in spec bad; nothing was written (its stream: ralph logs bad.todo)")
    expect(existsSync(join(project.dir, '.wrapix/ralph/bad'))).toBe(false)
    expect(existsSync(join(project.dir, '.ssh'))).toBe(false)
    expect(bad.stderr).toContain('the todo session moved HEAD (it was asked to change nothing)')
    // The stream is kept for the human; `ralph logs` shows it.
    const logs = await ralph('logs', 'bad.todo')
    expect(logs.exitCode, logs.stderr).toBe(0)
    expect(logs.stdout).toContain('bad-007')
  }, 600_000)
})
