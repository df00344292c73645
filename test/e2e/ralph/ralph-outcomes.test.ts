// ralph run with the REAL claude binary in real sandboxes against the scripted mock Messages API: each
// task's outcome comes from its final result only (complete, blocked, clarify; a signal in a tool result
// does not count), the task files, git history and session records say what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureClaudeBinary } from '../../helpers/claude-binary.js'
import { startMockAnthropic, type MockAnthropic } from '../../helpers/mock-anthropic.js'
import { requirePodman } from '../../helpers/podman.js'
import { agentRequests, finalText, git, ralphProject, ralphSessionFlags, readRecords, readTasks, type RalphProject } from '../../helpers/ralph.js'

const podman = await requirePodman()
const TASK_FILE = '.wrapix/ralph/demo/004-mark-tool-print.md'

describe.skipIf(!podman)('ralph run: outcomes from the final result', () => {
  let project: RalphProject
  let mock: MockAnthropic
  let claude: string
  const ralph = (...args: string[]) => project.ralph(...args)

  beforeAll(async () => {
    claude = ensureClaudeBinary()
    project = await ralphProject({ 'specs/demo.md': '# Demo\nA small demo spec.\n', '.wrapix/ralph/config.yaml': 'maxRetries: 0\n' })
    mock = await startMockAnthropic({
      turns: [],
      byMarker: {
        'MARK-complete': [[
          { content: [{ type: 'tool_use', name: 'Bash', input: { command: "printf 'hello\\n' > hello.txt && git add hello.txt && git commit -qm 'demo-001: hello'", description: 'commit' } }] },
          { content: [finalText('Committed hello.txt.', 'RALPH_COMPLETE')] },
        ]],
        'MARK-blocked': [[{ content: [finalText('I looked.', 'RALPH_BLOCKED: the database password is not in the project')] }]],
        'MARK-clarify': [
          [{ content: [finalText('Before I start:', 'RALPH_CLARIFY: Which greeting?', '### Option 1 — hello', '### Option 2 — good morning')] }],
          [{ content: [finalText('Used the answer.', 'RALPH_COMPLETE')] }],
        ],
        'MARK-tool': [[
          // The agent tries to mark its own task done: .wrapix/ is read-only in the sandbox.
          { content: [{ type: 'tool_use', name: 'Bash', input: { command: `sed -i 's/status: running/status: done/' ${TASK_FILE}`, description: 'cheat' } }] },
          { content: [{ type: 'tool_use', name: 'Bash', input: { command: 'echo RALPH_COMPLETE', description: 'print' } }] },
          { content: [finalText('I printed the word, quoted: "RALPH_COMPLETE"', '> RALPH_COMPLETE')] },
        ]],
      },
    })
    for (const [title, priority] of [['MARK-complete write hello', '0'], ['MARK-blocked read the db', '1'], ['MARK-clarify greet', '2'], ['MARK-tool print', '3']] as const) {
      const r = await ralph('add', '--spec', 'demo', title, '--priority', priority)
      expect(r.exitCode, r.stderr).toBe(0)
    }
    await git(project.dir, 'add', '.wrapix/ralph')
    await git(project.dir, 'commit', '-qm', 'tasks')
  }, 600_000)
  afterAll(async () => {
    await mock?.close()
    await project?.cleanup()
  })

  it('runs every ready task once: done (committed), blocked, clarify, failed (signal only in a tool result)', async () => {
    const run = await ralph('run', ...ralphSessionFlags(claude, mock.url))
    expect(run.exitCode, run.stderr).toBe(10) // a task failed
    const tasks = await readTasks(project.dir, 'demo')
    expect(tasks.get('demo-001')).toMatchObject({ status: 'done', attempts: 1 })
    expect(tasks.get('demo-002')).toMatchObject({ status: 'blocked', note: 'the database password is not in the project' })
    expect(tasks.get('demo-003')).toMatchObject({ status: 'clarify', note: 'Which greeting?\n### Option 1 — hello\n### Option 2 — good morning' })
    expect(tasks.get('demo-004')).toMatchObject({ status: 'failed', attempts: 1 })
    expect(tasks.get('demo-004')!.lastFailure).toContain('no signal line in the final result')
    expect(tasks.get('demo-004')!.file).toBe(TASK_FILE)

    // The agent's commit is in the project's history, on top of the human's commits.
    expect((await git(project.dir, 'log', '--format=%s')).split('\n')).toEqual(['demo-001: hello', 'tasks', 'init'])

    // One record per session, each with its task id, in priority order.
    const records = await readRecords(project.dir)
    expect(records.map((r) => [r.taskId, r.mode, r.exitCode])).toEqual([
      ['demo-001', 'ralph', 0], ['demo-002', 'ralph', 0], ['demo-003', 'ralph', 0], ['demo-004', 'ralph', 0],
    ])
    expect(records.map((r) => r.id)).toEqual([...tasks.values()].map((t) => t.sessions[0]))
    expect(records[0]!.git).toMatchObject({ available: true, after: { dirty: false } })
    const cheat = records[3]!.transcript
    if (!cheat.available) throw new Error(cheat.reason)
    expect(cheat.commands[0]).toMatchObject({ command: expect.stringContaining('sed -i'), isError: true })

    // The open question is listed; answering option 2 makes the task ready, and the next run completes it.
    const msg = await ralph('msg')
    expect(msg.stdout).toContain('demo-003')
    expect((await ralph('msg', 'demo-003', '--answer', '2')).exitCode).toBe(0)
    expect((await readTasks(project.dir, 'demo')).get('demo-003')).toMatchObject({ status: 'todo', answer: expect.stringContaining('Option 2 — good morning') })
    const again = await ralph('run', '--task', 'demo-003', ...ralphSessionFlags(claude, mock.url))
    expect(again.exitCode, again.stderr).toBe(10) // demo-004 is still failed
    expect((await readTasks(project.dir, 'demo')).get('demo-003')).toMatchObject({ status: 'done', attempts: 2 })
    const prompts = agentRequests(mock.requests, 'MARK-clarify')
    expect(prompts.at(-1)).toContain('Option 2 — good morning')

    // status reads the same state back; nothing ready is left.
    const status = await ralph('status', '--json')
    expect(JSON.parse(status.stdout)[0].counts).toEqual({ done: 2, running: 0, ready: 0, waiting: 0, parked: 1, failed: 1 })
    const idle = await ralph('run', ...ralphSessionFlags(claude, mock.url))
    expect(idle.exitCode).toBe(10)
  })
})
