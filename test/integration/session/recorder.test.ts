// The recorder with real git in temp repositories and real files; no sandbox involved.
import { spawn } from 'node:child_process'
import { chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FIXTURE_CANARY } from '../../fixtures/claude-transcripts/regenerate.js'
import { finalizeStaleSessions } from '../../../src/session/finalize-stale.js'
import { journalPath, logDir } from '../../../src/session/log-paths.js'
import { startRecording, type RecordingOptions } from '../../../src/session/recorder.js'
import { createRedactor } from '../../../src/session/redact.js'
import { applyRetention } from '../../../src/session/retention.js'
import { availableGit, expectDiffStat, gitIn, readRecordFile } from '../../helpers/session-record.js'

const FIXTURES = join(import.meta.dirname, '../../fixtures/claude-transcripts')
const CANARY = 'canary-value-passed-with-e-9f3K'
/** Above the kernel's pid_max (2^22), so no process can have it: a wrapix that is gone. */
const DEAD_PID = 2 ** 22 + 1

let ws: string
beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'wrapix-recorder-'))
})
afterEach(() => rmSync(ws, { recursive: true, force: true }))

const git = (...args: string[]) => gitIn(ws, ...args)
const write = (path: string, content: string) => {
  mkdirSync(join(ws, path, '..'), { recursive: true })
  writeFileSync(join(ws, path), content)
}
const options = (overrides: Partial<RecordingOptions> = {}): RecordingOptions => ({
  workspace: ws,
  sessionId: `${Math.random().toString(16).slice(2, 10)}-session`,
  mode: 'command',
  agent: 'shell',
  boundary: 'gvisor',
  runtime: 'runsc',
  image: { ref: 'localhost/wrapix-base:test' },
  profile: { name: 'base', digest: 'sha256:abc' },
  argv: ['podman', 'run', '--env', `TOKEN=${CANARY}`, 'img'],
  redact: createRedactor([CANARY]),
  ...overrides,
})

async function aRepo(): Promise<string> {
  await git('init', '-q', '-b', 'main')
  write('README.md', 'one\ntwo\nthree\n')
  write('src/old.ts', 'export const a = 1\nexport const b = 2\n')
  await git('add', '.')
  await git('commit', '-qm', 'init')
  return (await git('rev-parse', 'HEAD')).stdout
}

describe('session record of a git workspace', () => {
  it('records git before/after and the diff stat of edits, new files, deletions and commits', async () => {
    const head = await aRepo()
    const rec = await startRecording(options())
    write('README.md', 'one\nTWO\nthree\nfour\n') // 2 insertions, 1 deletion
    write('src/new file.ts', 'a\nb\nc\n') // untracked: 3 insertions
    rmSync(join(ws, 'src/old.ts')) // 2 deletions
    write('ignored.log', 'x\n')
    write('.gitignore', '*.log\n') // 1 insertion
    await git('add', '.gitignore')
    await git('commit', '-qm', 'ignore logs')
    const path = await rec.finish({ exitCode: 0, exitStatus: 'exited' })

    const gitRecord = availableGit(readRecordFile(path))
    expect(gitRecord).toMatchObject({ before: { head, branch: 'main', dirty: false }, after: { branch: 'main', dirty: true }, error: null })
    expect(gitRecord.after?.head).not.toBe(head)
    expectDiffStat(gitRecord, [
      { path: 'README.md', insertions: 2, deletions: 1 },
      { path: 'src/new file.ts', insertions: 3, deletions: 0 },
      { path: 'src/old.ts', insertions: 0, deletions: 2 },
      { path: '.gitignore', insertions: 1, deletions: 0 },
    ])
    // the user's index is untouched: the new file is still untracked
    expect((await git('status', '--porcelain', '--', 'src')).stdout).toContain('?? "src/new file.ts"')
  })

  it('runs no filter command a planted repo config names', async () => {
    await aRepo()
    const marker = join(ws, '..', `${ws.split('/').pop()}-pwned`)
    await git('config', 'filter.evil.clean', `touch ${marker}; cat`)
    try {
      const rec = await startRecording(options())
      write('.gitattributes', 'README.md filter=evil\n')
      write('README.md', 'changed\n')
      await rec.finish({ exitCode: 0, exitStatus: 'exited' })
      expect(existsSync(marker)).toBe(false)
    } finally {
      rmSync(marker, { force: true })
    }
  })

  it('says why there is no git state outside a repository', async () => {
    const path = await (await startRecording(options())).finish({ exitCode: 3, exitStatus: 'exited' })
    expect(readRecordFile(path)).toMatchObject({ exitCode: 3, git: { available: false, reason: 'not a git repository' } })
  })
})

describe('session record contents', () => {
  it('holds the session fields, masks secrets everywhere and removes the journal', async () => {
    let t = Date.parse('2026-11-22T03:15:22.123Z')
    const rec = await startRecording(options({ sessionId: 'ABCDEF12-3456', mode: 'ralph', taskId: 'task-7', now: () => new Date((t += 1500)) }))
    expect(existsSync(journalPath(ws, 'ABCDEF12-3456'))).toBe(true)
    writeFileSync(rec.networkLogPath, `{"host":"evil.example","decision":"deny","note":"${CANARY}"}\n`, { flag: 'a' })
    const path = await rec.finish({
      exitCode: 137,
      exitStatus: 'signal',
      network: { mode: 'limit', policyDigest: 'sha256:pol', allowed: 4, denied: 2, deniedHosts: [{ host: 'evil.example', port: 443, count: 2, allowCommand: 'wrapix --allow evil.example:443', reason: 'evil.example:443 is not in the allowlist' }] , credentialLeaks: [], connections: { total: 6, peak: 2, refused: 0, idleClosed: 0 } },
    })
    expect(path).toBe(rec.recordPath)
    expect(path.split('/').pop()).toBe('20261122T031523.623Z-abcdef12.json')
    const record = readRecordFile(path)
    expect(record).toMatchObject({
      id: 'ABCDEF12-3456',
      start: '2026-11-22T03:15:23.623Z',
      end: '2026-11-22T03:15:25.123Z',
      durationMs: 1500,
      exitCode: 137,
      exitStatus: 'signal',
      mode: 'ralph',
      taskId: 'task-7',
      agent: { name: 'shell', version: null, sessionIds: [] },
      image: { ref: 'localhost/wrapix-base:test', id: null },
      argv: ['podman', 'run', '--env', 'TOKEN=••••9f3K', 'img'],
      policy: { mode: 'limit', digest: 'sha256:pol' },
      network: { allowed: 4, denied: 2, decisionsFile: '20261122T031523.623Z-abcdef12.network.jsonl' },
      transcript: { available: false, reason: 'a shell session has no agent transcript' },
      host: { pid: process.pid, finalizedBy: 'session' },
    })
    expect(existsSync(journalPath(ws, 'ABCDEF12-3456'))).toBe(false)
    expect(await rec.finish({ exitCode: 0, exitStatus: 'exited' })).toBe(path) // a second finish writes nothing new
    expect(readdirSync(logDir(ws)).filter((n) => !n.startsWith('.'))).toHaveLength(2)
    expect(readFileSync(path, 'utf8')).not.toContain(CANARY)
  })

  it('summarises the claude transcript written during the session, secrets masked', async () => {
    const rec = await startRecording(options({ agent: 'claude' }))
    const project = join(ws, '.claude', 'projects', '-workspace')
    mkdirSync(project, { recursive: true })
    copyFileSync(join(FIXTURES, 'tools.jsonl'), join(project, '1f9cda0b-432f-476e-9100-75a1b5172d3d.jsonl'))
    const record = readRecordFile(await rec.finish({ exitCode: 0, exitStatus: 'exited' }))
    if (!record.transcript.available) throw new Error(record.transcript.reason)
    expect(record.agent.version).toBe('2.1.330')
    expect(record.agent.sessionIds).toEqual(record.transcript.sessionIds)
    expect(record.transcript.filesEdited).toEqual(['/tmp/workspace/notes.md'])
    expect(record.transcript.commands[2]?.command).toBe('echo "key=••••Zx9Q" > /dev/null')
    expect(readFileSync(rec.recordPath, 'utf8')).not.toContain(FIXTURE_CANARY)
    expect(record.transcript.rawPaths).toEqual([join(project, '1f9cda0b-432f-476e-9100-75a1b5172d3d.jsonl')])
  })

  it("takes only its own claude session's transcript and its subagents', not a concurrent session's", async () => {
    const own = '5b1e0c1a-0000-4000-8000-000000000001'
    const rec = await startRecording(options({ agent: 'claude', agentSessionId: own }))
    const project = join(ws, '.claude', 'projects', '-workspace')
    const files = [`${own}.jsonl`, `${own}/subagents/agent-a1.jsonl`, '9d2f0c1a-0000-4000-8000-000000000002.jsonl']
    for (const f of files) {
      mkdirSync(join(project, f, '..'), { recursive: true })
      copyFileSync(join(FIXTURES, 'tools.jsonl'), join(project, f))
    }
    const record = readRecordFile(await rec.finish({ exitCode: 0, exitStatus: 'exited' }))
    if (!record.transcript.available) throw new Error(record.transcript.reason)
    expect(record.transcript.rawPaths).toEqual([join(project, files[1]!), join(project, files[0]!)].sort())
  })

  it('says so when claude left no transcript', async () => {
    const record = readRecordFile(await (await startRecording(options({ agent: 'claude' }))).finish({ exitCode: 1, exitStatus: 'exited' }))
    expect(record.transcript).toEqual({ available: false, reason: 'claude wrote no transcript during this session' })
  })
})

describe('concurrency, recovery and retention', () => {
  it('gives 5 concurrent sessions started in the same millisecond 5 distinct records', async () => {
    await aRepo()
    const now = () => new Date('2026-11-22T03:15:22.123Z')
    const recorders = await Promise.all([1, 2, 3, 4, 5].map(() => startRecording(options({ sessionId: 'same-short-id', now }))))
    const paths = await Promise.all(recorders.map((r, i) => r.finish({ exitCode: i, exitStatus: 'exited' })))
    expect(new Set(paths).size).toBe(5)
    expect(paths.map((p) => readRecordFile(p).exitCode).sort()).toEqual([0, 1, 2, 3, 4])
  })

  it('finalizes the journal of a wrapix process that died, and leaves live ones alone', async () => {
    await aRepo()
    const live = await startRecording(options({ sessionId: 'live-session' }))
    const dead = await startRecording(options({ sessionId: 'dead-session' }))
    // make the dead journal point at a process that has exited
    const child = spawn('true')
    const pid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)))
    const jp = journalPath(ws, 'dead-session')
    writeFileSync(jp, JSON.stringify({ ...JSON.parse(readFileSync(jp, 'utf8')), pid }))

    const written = await finalizeStaleSessions(ws)
    expect(written).toEqual([dead.recordPath])
    expect(readRecordFile(dead.recordPath)).toMatchObject({
      exitCode: null,
      exitStatus: 'unknown',
      host: { pid, finalizedBy: 'recovery' },
      git: { available: true, after: null, diff: null, error: 'wrapix died before the session ended' },
    })
    expect(existsSync(jp)).toBe(false)
    expect(existsSync(journalPath(ws, 'live-session'))).toBe(true)
    expect(await finalizeStaleSessions(ws)).toEqual([])
    await live.finish({ exitCode: 0, exitStatus: 'exited' })
  })

  it('ends a dead session at the last write to its network log', async () => {
    const dead = await startRecording(options({ sessionId: 'dead-at-noon', now: () => new Date('2026-11-22T10:00:00.000Z') }))
    const lastWrite = new Date('2026-11-22T12:00:00.000Z')
    utimesSync(dead.networkLogPath, lastWrite, lastWrite)
    const jp = journalPath(ws, 'dead-at-noon')
    writeFileSync(jp, JSON.stringify({ ...JSON.parse(readFileSync(jp, 'utf8')), pid: DEAD_PID }))
    utimesSync(jp, new Date('2026-11-22T10:00:00.000Z'), new Date('2026-11-22T10:00:00.000Z')) // older than the last network write

    expect(await finalizeStaleSessions(ws)).toEqual([dead.recordPath])
    expect(readRecordFile(dead.recordPath)).toMatchObject({ end: lastWrite.toISOString(), durationMs: 2 * 60 * 60 * 1000 })
  })

  it('only drops the journal of a dead session another run has already recorded', async () => {
    const dead = await startRecording(options({ sessionId: 'recorded-elsewhere' }))
    const jp = journalPath(ws, 'recorded-elsewhere')
    writeFileSync(jp, JSON.stringify({ ...JSON.parse(readFileSync(jp, 'utf8')), pid: DEAD_PID }))
    writeFileSync(dead.recordPath, 'written by the other run\n')

    expect(await finalizeStaleSessions(ws)).toEqual([])
    expect(existsSync(jp)).toBe(false)
    expect(readFileSync(dead.recordPath, 'utf8')).toBe('written by the other run\n')
  })

  it('deletes records and network logs older than the retention period, nothing else', async () => {
    const dir = logDir(ws)
    mkdirSync(join(dir, '.journal'), { recursive: true })
    const names = ['20250101T000000.000Z-old.json', '20250101T000000.000Z-old.network.jsonl', '20261120T000000.000Z-new.json', 'README.txt']
    for (const n of names) writeFileSync(join(dir, n), '{}')
    writeFileSync(join(dir, '.journal', 'x.json'), '{}')
    const deleted = await applyRetention(ws, 90, new Date('2026-11-22T00:00:00Z'))
    expect(deleted.sort()).toEqual(['20250101T000000.000Z-old.json', '20250101T000000.000Z-old.network.jsonl'])
    expect(readdirSync(dir).sort()).toEqual(['.journal', '20261120T000000.000Z-new.json', 'README.txt'])
  })

  it('ages a record file it did not name by its modification time', async () => {
    const dir = logDir(ws)
    mkdirSync(dir, { recursive: true })
    for (const n of ['copied-old.json', 'copied-new.json']) writeFileSync(join(dir, n), '{}')
    utimesSync(join(dir, 'copied-old.json'), new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'))
    utimesSync(join(dir, 'copied-new.json'), new Date('2026-11-20T00:00:00Z'), new Date('2026-11-20T00:00:00Z'))
    expect(await applyRetention(ws, 90, new Date('2026-11-22T00:00:00Z'))).toEqual(['copied-old.json'])
    expect(readdirSync(dir)).toEqual(['copied-new.json'])
  })

  it.skipIf(process.getuid?.() !== 0)("never expires another user's records in a shared project", async () => {
    const dir = logDir(ws)
    mkdirSync(dir, { recursive: true })
    for (const n of ['20250101T000000.000Z-mine.json', '20250101T000000.000Z-theirs.json']) writeFileSync(join(dir, n), '{}')
    chownSync(join(dir, '20250101T000000.000Z-theirs.json'), 65534, 65534)
    expect(await applyRetention(ws, 90, new Date('2026-11-22T00:00:00Z'))).toEqual(['20250101T000000.000Z-mine.json'])
    expect(readdirSync(dir)).toEqual(['20250101T000000.000Z-theirs.json'])
  })
})
