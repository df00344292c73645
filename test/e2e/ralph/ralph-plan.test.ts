// ralph plan with the REAL claude binary in a real sandbox, driven through a real terminal (tmux) against
// the scripted mock Messages API: the agent asks, the human answers, the agent writes specs/<label>.md in
// the project, and ralph says what to do next. Also: -n refuses an existing spec, -u one that is missing.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureClaudeBinary } from '../../helpers/claude-binary.js'
import { WRAPIX_BIN } from '../../helpers/cli.js'
import { startMockAnthropic, type MockAnthropic } from '../../helpers/mock-anthropic.js'
import { requirePodman } from '../../helpers/podman.js'
import { agentRequests, RALPH_TEST_KEY, ralphProject, ralphSessionFlags, readRecords, type RalphProject } from '../../helpers/ralph.js'
import { startTmux, type TmuxSession } from '../../helpers/tmux.js'

const podman = await requirePodman()
const READY = 'bypass permissions on'
const WRITE_SPEC = "mkdir -p specs && printf '# Greeter\\n\\nPrints hello to the world (MARK-answer).\\n' > specs/demo.md"

describe.skipIf(!podman)('ralph plan: the spec interview', () => {
  let project: RalphProject
  let mock: MockAnthropic
  let claude: string
  let tmux: TmuxSession | undefined

  beforeAll(async () => {
    claude = ensureClaudeBinary()
    project = await ralphProject({ 'specs/old.md': '# Old\n' })
    mock = await startMockAnthropic({
      turns: [
        { content: [{ type: 'text', text: 'MOCK-Q1 Who should the greeting be for?' }] },
        { content: [{ type: 'tool_use', name: 'Bash', input: { command: WRITE_SPEC, description: 'Write the spec' } }] },
        { content: [{ type: 'text', text: 'MOCK-SPEC-DONE I wrote specs/demo.md. Type /exit when you are happy with it.' }] },
      ],
    })
  }, 600_000)
  afterAll(async () => {
    await tmux?.kill()
    await mock?.close()
    await project?.cleanup()
  })

  it('interviews through a terminal and writes specs/demo.md; then says what is next', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', LANG: 'C.UTF-8', ...project.home.env, ANTHROPIC_API_KEY: RALPH_TEST_KEY }
    const command = [process.execPath, WRAPIX_BIN, 'ralph', 'plan', '-n', 'demo', '-C', project.dir, ...ralphSessionFlags(claude, mock.url)]
    tmux = await startTmux(command, { cols: 120, rows: 40, cwd: project.dir, env })
    await tmux.waitForText('MOCK-Q1', 120_000) // the prompt was claude's first message: the interview started by itself
    await tmux.waitForText(READY, 30_000)
    await tmux.type('the whole world, MARK-answer')
    await tmux.keys('Enter')
    await tmux.waitForText('MOCK-SPEC-DONE', 60_000)
    await tmux.type('/exit')
    await new Promise((resolve) => setTimeout(resolve, 500)) // the slash-command menu opens first
    await tmux.keys('Enter')
    expect(await tmux.waitForExit(60_000)).toBe(0)
    const screen = (await tmux.capture(true)).replace(/\n/g, '') // lines wrap at the terminal's width
    expect(screen).toContain('wrote specs/demo.md; next: review it, commit it (git add specs/demo.md && git commit), then: ralph todo --spec demo')

    expect(await readFile(join(project.dir, 'specs/demo.md'), 'utf8')).toBe('# Greeter\n\nPrints hello to the world (MARK-answer).\n')
    const first = agentRequests(mock.requests, 'the spec \\"demo\\"')[0]!
    expect(first).toContain('Interview me')
    expect(first).toContain('/workspace/specs/demo.md')
    const records = await readRecords(project.dir)
    expect(records.map((r) => [r.taskId, r.mode, r.exitCode])).toEqual([['demo.plan', 'ralph', 0]])
  }, 600_000)

  it('-n refuses a spec that exists, -u one that does not, before any session', async () => {
    const exists = await project.ralph('plan', '-n', 'old')
    expect(exists.exitCode).toBe(2)
    expect(exists.stderr).toContain('specs/old.md exists already')
    expect(exists.stderr).toContain('ralph plan -u old')
    const missing = await project.ralph('plan', '-u', 'nope')
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr).toContain('there is no specs/nope.md to update')
    const noTerminal = await project.ralph('plan', '-n', 'fresh')
    expect(noTerminal.exitCode).toBe(2)
    expect(noTerminal.stderr).toContain('ralph plan is an interview: it needs a terminal')
  })
})
