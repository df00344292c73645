// ralph run --parallel with the REAL claude binary in real sandboxes against the mock API: three tasks at
// once, each in its own clone on branch ralph/<spec>/<task>, merged back one at a time; two of them add the
// same file differently, so the second merge conflicts: that task is parked with a note, its branch kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureClaudeBinary } from '../../helpers/claude-binary.js'
import { startMockAnthropic, type MockAnthropic, type MockTurn } from '../../helpers/mock-anthropic.js'
import { requirePodman } from '../../helpers/podman.js'
import { finalText, git, ralphProject, ralphSessionFlags, readRecords, readTasks, type RalphProject } from '../../helpers/ralph.js'

const podman = await requirePodman()

const commitTurns = (file: string, content: string, message: string): MockTurn[][] => [[
  { content: [{ type: 'tool_use', name: 'Bash', input: { command: `printf '${content}\\n' > ${file} && git add ${file} && git commit -qm '${message}'`, description: 'commit' } }] },
  { content: [finalText('Committed.', 'RALPH_COMPLETE')] },
]]

describe.skipIf(!podman)('ralph run --parallel', () => {
  let project: RalphProject
  let mock: MockAnthropic
  let claude: string

  beforeAll(async () => {
    claude = ensureClaudeBinary()
    project = await ralphProject({}, ['MARK-alpha', 'MARK-beta', 'MARK-gamma'], 'par')
    mock = await startMockAnthropic({
      turns: [],
      byMarker: {
        'MARK-alpha': commitTurns('alpha.txt', 'alpha', 'add alpha'),
        'MARK-beta': commitTurns('shared.txt', 'from beta', 'add shared (beta)'),
        'MARK-gamma': commitTurns('shared.txt', 'from gamma', 'add shared (gamma)'),
      },
    })
  }, 600_000)
  afterAll(async () => {
    await mock?.close()
    await project?.cleanup()
  })

  it('runs three tasks at once in their own sandboxes, merges two, parks the conflicting one and keeps its branch', async () => {
    const { ralph } = project
    await git(project.dir, 'add', '.wrapix/ralph')
    await git(project.dir, 'commit', '-qm', 'tasks')

    const run = await ralph('run', '--parallel', '3', ...ralphSessionFlags(claude, mock.url))
    expect(run.exitCode, run.stderr).toBe(11) // a task is parked

    const tasks = await readTasks(project.dir, 'par')
    expect(tasks.get('par-001'), tasks.get('par-001')!.note).toMatchObject({ status: 'done' })
    const [merged, parked] = tasks.get('par-002')!.status === 'done' ? ['par-002', 'par-003'] : ['par-003', 'par-002']
    expect(tasks.get(merged)).toMatchObject({ status: 'done' })
    expect(tasks.get(parked)).toMatchObject({ status: 'conflict' })
    expect(tasks.get(parked)!.note).toContain(`merging ralph/par/${parked} failed: conflicts in shared.txt`)

    // Each task had its own session (and sandbox); the three ran at the same time.
    const records = await readRecords(project.dir)
    expect(records.map((r) => r.taskId).sort()).toEqual(['par-001', 'par-002', 'par-003'])
    expect(new Set(records.map((r) => r.id)).size).toBe(3)
    const spans = records.map((r) => [Date.parse(r.start), Date.parse(r.end)] as const)
    expect(Math.max(...spans.map((s) => s[0]))).toBeLessThan(Math.min(...spans.map((s) => s[1])))

    // The project's history: the two merges; the parked task's branch is kept with its commit; the tree is clean.
    const subjects = (await git(project.dir, 'log', '--format=%s')).split('\n')
    expect(subjects).toContain('Merge ralph/par/par-001')
    expect(subjects).toContain(`Merge ralph/par/${merged}`)
    expect(subjects).not.toContain(`Merge ralph/par/${parked}`)
    expect(await git(project.dir, 'log', '-1', '--format=%s', `ralph/par/${parked}`)).toMatch(/^add shared/)
    expect(await git(project.dir, 'status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude).wrapix')).toBe('')
  })
})
