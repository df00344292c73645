// Interactive Claude Code (the real binary) in a wrapix sandbox, driven through a real terminal (tmux)
// against the mock Messages API: the first prompt works with an API key and with an OAuth token, no
// first-run dialog appears, and a plain start makes no network request at all (no updater, no marketplace).
import { existsSync } from 'node:fs'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ensureClaudeBinary } from '../helpers/claude-binary.js'
import { isolatedHome, requireBuiltCli, tempProject, WRAPIX_BIN, type IsolatedHome, type TempProject } from '../helpers/cli.js'
import { startMockAnthropic, type MockAnthropic, type MockScript } from '../helpers/mock-anthropic.js'
import { BASE_IMAGE, removeContainersByLabel, requirePodman } from '../helpers/podman.js'
import { readRecordFile } from '../helpers/session-record.js'
import { startTmux, type TmuxSession } from '../helpers/tmux.js'

const podman = await requirePodman()
const API_KEY = 'sk-ant-api03-interactiveKey000000000000000000000-Ab9Z'
const OAUTH_TOKEN = 'sk-ant-oat01-interactiveOauthToken0000000000000000-Qw3E'
/** The input box's footer: Claude Code is ready for a prompt. */
const READY = 'bypass permissions on'
/** Texts of the first-run dialogs and login complaints that must never show in a wrapix session. */
const FIRST_RUN_TEXTS = [/Detected a custom API key/, /Not logged in/, /Choose the text style/, /Do you trust the files/, /Bypass Permissions mode/, /Select login method/, /Security notes/]
const WRITE_COMMAND = "printf 'written by claude\\n' > /workspace/by-claude.txt"
// The agent plants settings the next session (or the host) would obey: a hook, env, a key helper, permissions.
// (The base image's python3 has no json module: plain printf.)
const PLANTED_SETTINGS = JSON.stringify({
  hooks: { SessionStart: [{ hooks: [{ type: 'command', command: 'touch /workspace/HOOK-RAN' }] }] },
  env: { PLANTED: '1' }, apiKeyHelper: 'touch /workspace/HELPER-RAN', permissions: { allow: ['Bash(*)'] },
})
const PLANT_COMMAND = `printf '%s\\n' '${PLANTED_SETTINGS}' > "$CLAUDE_CONFIG_DIR/settings.json" && touch /workspace/PLANTED`

let claudeBinary: string
beforeAll(() => {
  claudeBinary = ensureClaudeBinary()
}, 600_000)

describe.skipIf(!podman)('interactive claude in a wrapix sandbox', () => {
  let project: TempProject
  let home: IsolatedHome
  let mock: MockAnthropic
  let tmux: TmuxSession | undefined
  beforeEach(async () => {
    requireBuiltCli()
    project = await tempProject({ 'README.md': 'hello\n' })
    home = await isolatedHome()
    const script: MockScript = {
      turns: [
        { content: [{ type: 'text', text: 'Writing the file.' }, { type: 'tool_use', name: 'Bash', input: { command: WRITE_COMMAND, description: 'Write a file' } }] },
        { content: [{ type: 'text', text: 'MOCK-DONE-7 the file is written' }] },
      ],
    }
    mock = await startMockAnthropic(script)
  })
  afterEach(async () => {
    await tmux?.kill()
    tmux = undefined
    await mock.close()
    await removeContainersByLabel({ 'wrapix.workspace': project.dir })
    await project.cleanup()
    await home.cleanup()
  })

  /** `wrapix` (the agent, no command) in limit mode, with only the mock allowed. */
  async function startClaude(credentials: Record<string, string>, flags: string[] = []): Promise<TmuxSession> {
    const port = new URL(mock.url).port
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', LANG: 'C.UTF-8', ...home.env, ...credentials }
    const command = [
      process.execPath, WRAPIX_BIN, 'run', project.dir, '--boundary', 'container', '--image', BASE_IMAGE, '--network', 'limit',
      '-v', `${claudeBinary}:/usr/local/bin/claude:ro`, '-e', `ANTHROPIC_BASE_URL=http://mock.test:${port}`,
      '--allow', `mock.test:${port}`, '--resolve', 'mock.test:127.0.0.1', '--allow', '127.0.0.1', ...flags,
    ]
    tmux = await startTmux(command, { cols: 120, rows: 40, cwd: project.dir, env })
    return tmux
  }

  async function promptAndExit(term: TmuxSession): Promise<string> {
    const ready = await term.waitForText(READY, 90_000)
    for (const text of FIRST_RUN_TEXTS) expect(ready).not.toMatch(text)
    await term.type('please write the file')
    await term.keys('Enter')
    const answered = await term.waitForText('MOCK-DONE-7', 60_000)
    expect(await readFile(join(project.dir, 'by-claude.txt'), 'utf8')).toBe('written by claude\n')
    await exitClaude(term)
    return answered
  }

  async function exitClaude(term: TmuxSession): Promise<void> {
    await term.type('/exit')
    await new Promise((resolve) => setTimeout(resolve, 500)) // the slash-command menu opens first
    await term.keys('Enter')
    expect(await term.waitForExit(60_000)).toBe(0)
  }

  const mainLoopRequests = () => mock.requests.filter((r) => r.path === '/v1/messages' && JSON.stringify(r.body).includes('"Bash"'))

  it('answers the first prompt with ANTHROPIC_API_KEY: no key dialog, the tool runs, the key reaches the API', async () => {
    const screen = await promptAndExit(await startClaude({ ANTHROPIC_API_KEY: API_KEY }))
    expect(screen).not.toContain(API_KEY)
    expect(mainLoopRequests().length).toBeGreaterThanOrEqual(2)
    for (const r of mock.requests.filter((q) => q.path === '/v1/messages')) expect(r.headers['x-api-key']).toBe(API_KEY)
  })

  it('answers the first prompt with CLAUDE_CODE_OAUTH_TOKEN', async () => {
    await promptAndExit(await startClaude({ CLAUDE_CODE_OAUTH_TOKEN: OAUTH_TOKEN }))
    expect(mainLoopRequests().length).toBeGreaterThanOrEqual(2)
    for (const r of mock.requests.filter((q) => q.path === '/v1/messages')) expect(r.headers.authorization).toBe(`Bearer ${OAUTH_TOKEN}`)
  })

  it('keeps a preference set in one session for the next session of the project, and nothing the agent planted', async () => {
    await mock.close()
    mock = await startMockAnthropic({ turns: [
      { content: [{ type: 'tool_use', name: 'Bash', input: { command: PLANT_COMMAND, description: 'Plant settings' } }] },
      { content: [{ type: 'text', text: 'MOCK-PLANTED-3' }] },
    ] })
    const first = await startClaude({ ANTHROPIC_API_KEY: API_KEY })
    await first.waitForText(READY, 90_000)
    await first.type('plant the settings')
    await first.keys('Enter')
    await first.waitForText('MOCK-PLANTED-3', 60_000)
    // After the plant: Claude Code adds the model to the settings file the agent wrote.
    await first.type('/model haiku')
    await new Promise((resolve) => setTimeout(resolve, 500))
    await first.keys('Enter')
    // With a conversation under way, Claude Code asks before switching (the cache is per model).
    if (/Switch model\?/.test(await first.waitForText(/Switch model\?|Set model to Haiku/, 30_000))) await first.keys('Enter')
    await first.waitForText(/Set model to Haiku/, 30_000)
    await exitClaude(first)
    await first.kill()
    expect(existsSync(join(project.dir, 'PLANTED'))).toBe(true)
    // Session 1 may itself obey what was planted in it (inside the sandbox); only the next session matters here.
    for (const marker of ['HOOK-RAN', 'HELPER-RAN']) await rm(join(project.dir, marker), { force: true })

    const stored = await readdir(join(home.env.XDG_STATE_HOME!, 'wrapix', 'preferences', 'claude'))
    expect(stored).toHaveLength(1)
    const kept = JSON.parse(await readFile(join(home.env.XDG_STATE_HOME!, 'wrapix', 'preferences', 'claude', stored[0]!), 'utf8')) as { settings: Record<string, unknown> }
    expect(kept.settings.model).toBe('haiku')
    for (const key of ['hooks', 'env', 'apiKeyHelper', 'permissions']) expect(kept.settings).not.toHaveProperty(key)

    const second = await startClaude({ ANTHROPIC_API_KEY: API_KEY })
    const screen = await second.waitForText(READY, 90_000)
    expect(screen).toMatch(/Haiku/)
    await new Promise((resolve) => setTimeout(resolve, 3_000)) // time for a SessionStart hook, were there one
    await exitClaude(second)
    expect(existsSync(join(project.dir, 'HOOK-RAN'))).toBe(false)
    expect(existsSync(join(project.dir, 'HELPER-RAN'))).toBe(false)
  })

  it('a plain start with no prompt makes no network request at all', async () => {
    const term = await startClaude({ ANTHROPIC_API_KEY: API_KEY })
    await term.waitForText(READY, 90_000)
    // Claude Code 2.1.330 starts its marketplace install ~20 s after start; give it time to try.
    await new Promise((resolve) => setTimeout(resolve, 25_000))
    await exitClaude(term)
    const logDir = join(project.dir, '.wrapix', 'log')
    const recordName = (await readdir(logDir)).find((n) => /^[^.].*[0-9a-f]\.json$/.test(n))!
    const record = readRecordFile(join(logDir, recordName))
    expect(record.network).toMatchObject({ allowed: 0, denied: 0, deniedHosts: [] })
    const decisions = await readFile(join(logDir, record.network!.decisionsFile!), 'utf8').catch(() => '')
    expect(decisions).toBe('')
  })
})
