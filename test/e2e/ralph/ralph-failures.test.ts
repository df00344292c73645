// ralph run when attempts go wrong, with the REAL claude binary in real sandboxes against the mock API:
// a time limit (124, retry, failed, --stop-on-failure), the watchdog for an agent that lingers after its
// result, a crash then success on retry, and a runner killed with SIGKILL then resumed. Each scenario has
// its own project, so they run at the same time.
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureClaudeBinary } from '../../helpers/claude-binary.js'
import { spawnWrapix } from '../../helpers/cli.js'
import { startMockAnthropic, type MockAnthropic } from '../../helpers/mock-anthropic.js'
import { requirePodman, waitForNoContainers } from '../../helpers/podman.js'
import { agentRequests, finalText, git, RALPH_TEST_KEY, ralphProject, ralphSessionFlags, readRecords, readTasks, type RalphProject } from '../../helpers/ralph.js'

const podman = await requirePodman()
const env = { ANTHROPIC_API_KEY: RALPH_TEST_KEY }

describe.skipIf(!podman)('ralph run: failures, retries, watchdog and resume', () => {
  let claude: string
  let mock: MockAnthropic
  const cleanups: (() => Promise<void>)[] = []

  beforeAll(async () => {
    claude = ensureClaudeBinary()
    mock = await startMockAnthropic({
      turns: [],
      byMarker: {
        'MARK-hang': [[{ content: [], hang: true }]],
        'MARK-after': [[{ content: [finalText('RALPH_COMPLETE')] }]],
        'MARK-linger': [[{ content: [finalText('Done.', 'RALPH_COMPLETE')] }]],
        'MARK-crash': [
          [{ content: [{ type: 'tool_use', name: 'Bash', input: { command: 'kill -9 $PPID', description: 'crash' } }] }],
          [{ content: [finalText('Recovered.', 'RALPH_COMPLETE')] }],
        ],
        'MARK-resume': [[{ content: [], hang: true }], [{ content: [finalText('RALPH_COMPLETE')] }]],
      },
    })
  }, 600_000)
  afterAll(async () => {
    await mock?.close()
    for (const cleanup of cleanups) await cleanup()
  })

  async function project(files: Record<string, string>, titles: string[]): Promise<RalphProject> {
    const p = await ralphProject(files, titles)
    cleanups.push(p.cleanup)
    return p
  }

  it.concurrent('a task that never answers hits its time limit: 124, one retry, failed; --stop-on-failure leaves the next task', async () => {
    const { dir, ralph } = await project({ '.wrapix/ralph/config.yaml': 'maxRetries: 1\n' }, ['MARK-hang wait forever', 'MARK-after then this'])
    const run = await ralph('run', '--timeout', '40s', '--stop-on-failure', ...ralphSessionFlags(claude, mock.url))
    expect(run.exitCode, run.stderr).toBe(10)
    const tasks = await readTasks(dir, 'demo')
    expect(tasks.get('demo-001')).toMatchObject({ status: 'failed', attempts: 2 })
    expect(tasks.get('demo-001')!.lastFailure).toBe('attempt 2: the attempt hit its time limit and was stopped (exit code 124)')
    expect(tasks.get('demo-002')).toMatchObject({ status: 'todo', attempts: 0 })
    const records = await readRecords(dir)
    expect(records.map((r) => [r.taskId, r.exitCode])).toEqual([['demo-001', 124], ['demo-001', 124]])
    // The agent reached the API and waited there for an answer that never came (under heavy load a retry's
    // claude may still be starting when its limit hits; the retry prompt's content is checked in the crash test).
    const prompts = agentRequests(mock.requests, 'MARK-hang')
    expect(prompts.length).toBeGreaterThanOrEqual(1)
    expect(prompts[0]).not.toContain('The previous attempt failed')
  })

  it.concurrent('the watchdog stops an agent that lingers after its result; the result still decides', async () => {
    // A SessionEnd hook keeps claude alive for 100 s after it printed its result.
    const hook = { hooks: { SessionEnd: [{ hooks: [{ type: 'command', command: 'sleep 100', timeout: 200 }] }] } }
    const { dir, ralph } = await project({ '.claude/settings.json': JSON.stringify(hook) }, ['MARK-linger finish and linger'])
    const run = await ralph('run', ...ralphSessionFlags(claude, mock.url))
    expect(run.exitCode, run.stderr).toBe(0)
    expect((await readTasks(dir, 'demo')).get('demo-001')).toMatchObject({ status: 'done', attempts: 1 })
    const [record] = await readRecords(dir)
    // Killed (SIGTERM, then SIGKILL), not ended by itself: the watchdog stopped it; the result still made it done.
    expect([137, 143]).toContain(record!.exitCode)
  })

  it.concurrent('a crash (the agent killed mid-task) is retried with the failure in the prompt, and the retry completes', async () => {
    const { dir, ralph } = await project({}, ['MARK-crash crash once'])
    const run = await ralph('run', ...ralphSessionFlags(claude, mock.url))
    expect(run.exitCode, run.stderr).toBe(0)
    expect((await readTasks(dir, 'demo')).get('demo-001')).toMatchObject({ status: 'done', attempts: 2 })
    const records = await readRecords(dir)
    expect(records.map((r) => r.taskId)).toEqual(['demo-001', 'demo-001'])
    expect(records[0]!.exitCode).not.toBe(0)
    expect(records[1]!.exitCode).toBe(0)
    const retryPrompt = agentRequests(mock.requests, 'MARK-crash').at(-1)
    expect(retryPrompt).toContain('The previous attempt failed')
    expect(retryPrompt).toContain('without a final result')
  })

  it.concurrent('a runner killed with SIGKILL mid-task loses nothing: the next run re-queues the task and finalises its record', async () => {
    const { dir, home, ralph } = await project({}, ['MARK-resume interrupted'])
    const child = spawnWrapix(['ralph', 'run', '-C', dir, ...ralphSessionFlags(claude, mock.url)], { home, env, timeoutMs: 170_000 })
    const deadline = Date.now() + 120_000
    while (agentRequests(mock.requests, 'MARK-resume').length === 0) {
      if (Date.now() > deadline) throw new Error('the first session never reached the mock')
      await sleep(250)
    }
    expect((await readTasks(dir, 'demo')).get('demo-001')).toMatchObject({ status: 'running', attempts: 1 })
    child.kill('SIGKILL')
    await child
    // The sandbox goes with its runner (podman gets SIGTERM when wrapix dies).
    expect(await waitForNoContainers({ 'wrapix.workspace': dir }, 30_000)).toEqual([])

    const run = await ralph('run', ...ralphSessionFlags(claude, mock.url))
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stderr).toContain('demo-001: re-queued')
    expect((await readTasks(dir, 'demo')).get('demo-001')).toMatchObject({ status: 'done', attempts: 2 })
    const records = await readRecords(dir)
    expect(records.map((r) => [r.taskId, r.exitCode, r.host.finalizedBy])).toEqual([['demo-001', null, 'recovery'], ['demo-001', 0, 'session']])
    expect(await git(dir, 'status', '--porcelain')).not.toContain('.locks')
  })
})
