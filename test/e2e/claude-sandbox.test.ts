// The REAL Claude Code binary inside a wrapix sandbox (limit mode, crun and gVisor), driven by the mock
// Messages API on the host's loopback. The only way out of the sandbox is wrapix's proxy, which lets
// exactly the mock through: claude's native binary honours HTTP(S)_PROXY for its http:// base URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { SessionRecordSchema } from '../../src/session/record-schema.js'
import { ensureClaudeBinary } from '../helpers/claude-binary.js'
import { isolatedHome, runWrapix, tempProject, type IsolatedHome, type TempProject } from '../helpers/cli.js'
import { startMockAnthropic, type MockAnthropic, type MockScript } from '../helpers/mock-anthropic.js'
import { BASE_IMAGE, removeContainersByLabel, requirePodman } from '../helpers/podman.js'
import { RUNNABLE_BOUNDARIES } from '../helpers/sandbox.js'

const podman = await requirePodman()
const TEST_KEY = 'sk-ant-api03-e2eSandboxKey0000000000000000000000-Zq7W'
const BASH_COMMAND = "printf 'made by claude\\n' > /workspace/by-bash.txt"

let claudeBinary: string
beforeAll(() => {
  claudeBinary = ensureClaudeBinary()
}, 600_000)

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('real claude in a wrapix sandbox (%s boundary)', (boundary) => {
  let project: TempProject
  let home: IsolatedHome
  let mock: MockAnthropic
  beforeAll(async () => {
    project = await tempProject({ 'README.md': 'hello\n' })
    const git = (...args: string[]) => execa('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args], { cwd: project.dir })
    await git('init', '-q', '-b', 'main')
    await git('add', '.')
    await git('commit', '-qm', 'init')
    home = await isolatedHome()
    const script: MockScript = {
      turns: [
        { content: [{ type: 'text', text: 'Writing the file.' }, { type: 'tool_use', name: 'Bash', input: { command: BASH_COMMAND, description: 'Write a file' } }] },
        { content: [{ type: 'tool_use', name: 'Write', input: { file_path: '/workspace/notes.md', content: 'notes\n' } }] },
        // The agent puts the key in a command line: the record lists the command, masked.
        { content: [{ type: 'tool_use', name: 'Bash', input: { command: `echo "key=${TEST_KEY}" > /dev/null`, description: 'Use the key' } }] },
        { content: [{ type: 'text', text: 'Done: by-bash.txt and notes.md.' }] },
      ],
    }
    mock = await startMockAnthropic(script)
  })
  afterAll(async () => {
    await mock?.close()
    await removeContainersByLabel({ 'wrapix.workspace': project.dir })
    await project.cleanup()
    await home.cleanup()
  })

  it('runs claude -p against the mock: the tool call writes files, the record summarises it, the key stays masked', async () => {
    const port = new URL(mock.url).port
    const result = await runWrapix([
      'run', project.dir, '--boundary', boundary, '--image', BASE_IMAGE, '--network', 'limit', '--no-input',
      '-v', `${claudeBinary}:/usr/local/bin/claude:ro`,
      '-e', `ANTHROPIC_BASE_URL=http://mock.test:${port}`,
      '--allow', `mock.test:${port}`, '--resolve', 'mock.test:127.0.0.1', '--allow', '127.0.0.1',
      '--', 'claude', '-p', 'write the files', '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions',
    ], { home, env: { ANTHROPIC_API_KEY: TEST_KEY }, timeoutMs: 150_000 })

    expect(result.exitCode, result.stderr).toBe(0)
    const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; subtype?: string; is_error?: boolean })
    expect(events.at(-1)).toMatchObject({ type: 'result', subtype: 'success', is_error: false })

    // The tool calls ran in the sandbox and their files are the invoking user's on the host.
    expect(await readFile(join(project.dir, 'by-bash.txt'), 'utf8')).toBe('made by claude\n')
    for (const file of ['by-bash.txt', 'notes.md']) expect((await stat(join(project.dir, file))).uid).toBe(process.getuid!())

    // Every request reached the mock through the proxy, with the key the user passed.
    const messages = mock.requests.filter((r) => r.path === '/v1/messages')
    expect(messages.length).toBeGreaterThanOrEqual(4)
    for (const r of messages) expect(r.headers['x-api-key']).toBe(TEST_KEY)

    const logDir = join(project.dir, '.wrapix', 'log')
    const names = await readdir(logDir)
    const recordName = names.find((n) => n.endsWith('.json'))!
    const record = SessionRecordSchema.parse(JSON.parse(await readFile(join(logDir, recordName), 'utf8')))
    expect(record).toMatchObject({ exitCode: 0, agent: { name: 'claude' }, boundary, network: { denied: 0 } })
    expect(record.network!.allowed).toBeGreaterThanOrEqual(4)
    if (!record.transcript.available) throw new Error(`no transcript summary: ${record.transcript.reason}`)
    const transcript = record.transcript
    expect(transcript.commands).toEqual([
      { command: BASH_COMMAND, exitCode: 0, isError: false },
      { command: `echo "key=••••${TEST_KEY.slice(-4)}" > /dev/null`, exitCode: 0, isError: false },
    ])
    expect(transcript.filesWritten).toEqual(['/workspace/notes.md'])
    expect(transcript.toolCalls).toMatchObject({ Bash: 2, Write: 1 })
    expect(transcript.rawPaths).toHaveLength(1)
    expect(transcript.rawPaths[0]).toContain(join(project.dir, '.claude', 'projects', '-workspace'))
    expect(record.agent.sessionIds).toEqual(transcript.sessionIds)
    expect(record.git).toMatchObject({ available: true, after: { dirty: true } })

    // The key is in the raw transcript (claude's own file) but masked everywhere under .wrapix/.
    expect(await readFile(transcript.rawPaths[0]!, 'utf8')).toContain(TEST_KEY)
    for (const name of names.filter((n) => !n.startsWith('.'))) {
      expect(await readFile(join(logDir, name), 'utf8'), name).not.toContain(TEST_KEY)
    }
    // The sandbox held a placeholder; the proxy added the key on the route to the user's base URL.
    expect(record.argv).toContainEqual(expect.stringMatching(/^ANTHROPIC_API_KEY=wrapix-placeholder-anthropic-api-key-[0-9a-f]+$/))
    expect(record.network!.credentials).toEqual([{ name: 'ANTHROPIC_API_KEY', delivery: 'proxy', host: 'mock.test', port: Number(port), header: 'x-api-key' }])
    expect(result.stderr).not.toContain(TEST_KEY)
  })
})
