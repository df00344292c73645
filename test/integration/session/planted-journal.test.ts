// A journal entry that a commit planted (or that wrapix never wrote) must not become a record: recovery
// takes only the running user's untracked, well-formed entries, and a bad one is left alone without a
// notice on every run. Real git repositories in a temp tree; no sandbox needed.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { finalizeStaleSessions } from '../../../src/session/finalize-stale.js'
import { journalDir, journalPath, logDir } from '../../../src/session/log-paths.js'

/** Above the kernel's pid_max (2^22), so no process can have it: a wrapix that is gone. */
const DEAD_PID = 2 ** 22 + 1

let ws: string
beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'wrapix-planted-journal-'))
  git('init', '-q')
  mkdirSync(journalDir(ws), { recursive: true })
})
afterEach(() => rmSync(ws, { recursive: true, force: true }))

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: ws, stdio: 'pipe' })

const journal = (id: string, overrides: Record<string, unknown> = {}) => ({
  journalVersion: 1, id, baseName: `20261122T031523.623Z-${id}`, start: '2026-11-22T03:15:23.623Z', pid: DEAD_PID,
  pidStartTicks: null, mode: 'command', taskId: null, agent: 'shell', agentSessionId: null, boundary: 'container',
  runtime: 'crun', image: { ref: 'img', id: null }, profile: { name: 'base', digest: 'sha256:abc' }, argv: [],
  policy: { mode: null, digest: null }, gitBefore: { available: false, reason: 'not a git repository' }, ...overrides,
})
const plant = (id: string, overrides: Record<string, unknown> = {}) => writeFileSync(journalPath(ws, id), JSON.stringify(journal(id, overrides)))
const records = () => readdirSync(logDir(ws)).filter((n) => n !== '.journal')

describe('recovery of stale journal entries', () => {
  it('writes no record for a committed journal with a dead pid, and leaves the file', async () => {
    plant('abcdef12', { argv: ['attacker'], start: '2099-01-01T00:00:00.000Z' })
    plant('abcdef13', { argv: ['attacker'] })
    git('add', '-A')
    git('commit', '-qm', 'planted')
    const notices: string[] = []

    expect(await finalizeStaleSessions(ws, { notice: (m) => notices.push(m) })).toEqual([])
    expect(records()).toEqual([])
    expect(notices).toEqual([])
    expect(existsSync(journalPath(ws, 'abcdef13'))).toBe(true)
  })

  it('ignores, without a notice run after run, an entry with an unknown agent or a start in the future', async () => {
    plant('abcdef14', { agent: 'x' })
    plant('abcdef15', { start: '2099-01-01T00:00:00.000Z' })
    plant('abcdef16', { boundary: 'vm', mode: 'daemon' })
    const notices: string[] = []
    for (let run = 0; run < 2; run++) expect(await finalizeStaleSessions(ws, { notice: (m) => notices.push(m) })).toEqual([])
    expect(notices).toEqual([])
    expect(records()).toEqual([])
    expect(readdirSync(journalDir(ws)).sort()).toEqual(['abcdef14.json', 'abcdef15.json', 'abcdef16.json'])
  })

  it("still recovers the user's own untracked, well-formed stale entry beside a committed one", async () => {
    writeFileSync(join(ws, 'README'), 'x\n')
    plant('abcdef17')
    git('add', '-A')
    git('commit', '-qm', 'planted')
    plant('abcdef18')
    const notices: string[] = []

    const written = await finalizeStaleSessions(ws, { notice: (m) => notices.push(m) })
    expect(written).toEqual([join(logDir(ws), '20261122T031523.623Z-abcdef18.json')])
    expect(notices).toEqual([])
    expect(existsSync(journalPath(ws, 'abcdef18'))).toBe(false)
    expect(existsSync(journalPath(ws, 'abcdef17'))).toBe(true)
  })

  it('recovers a stale entry in a project that is not a git repository', async () => {
    rmSync(join(ws, '.git'), { recursive: true })
    plant('abcdef19')
    expect(await finalizeStaleSessions(ws)).toEqual([join(logDir(ws), '20261122T031523.623Z-abcdef19.json')])
  })
})
