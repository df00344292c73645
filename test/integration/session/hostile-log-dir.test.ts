// A hostile commit shapes .wrapix/: a planted journal entry or a symbolic link must never make wrapix
// write, stat or delete anything outside the project (real files in a temp tree; no sandbox needed).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AuditLog } from '../../../src/network/audit-log.js'
import { finalizeStaleSessions } from '../../../src/session/finalize-stale.js'
import { readJournals } from '../../../src/session/journal.js'
import { journalDir, logDir } from '../../../src/session/log-paths.js'
import { startRecording } from '../../../src/session/recorder.js'
import { createRedactor } from '../../../src/session/redact.js'
import { applyRetention } from '../../../src/session/retention.js'

/** Above the kernel's pid_max (2^22), so no process can have it: a wrapix that is gone. */
const DEAD_PID = 2 ** 22 + 1

let root: string
let ws: string
let victim: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wrapix-hostile-log-'))
  ws = join(root, 'project')
  victim = join(root, 'victim')
  mkdirSync(ws)
  mkdirSync(victim)
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const plantedJournal = (overrides: Record<string, unknown>) => ({
  journalVersion: 1, id: 'x', baseName: '20261122T031523.623Z-abcdef12', start: '2026-11-22T03:15:23.623Z', pid: DEAD_PID,
  pidStartTicks: null, mode: 'command', taskId: null, agent: 'shell', agentSessionId: null, boundary: 'container',
  runtime: 'crun', image: { ref: 'img', id: null }, profile: { name: 'base', digest: 'sha256:abc' }, argv: [],
  policy: { mode: null, digest: null }, gitBefore: { available: false, reason: 'not a git repository' }, ...overrides,
})

const recording = (workspace: string) => startRecording({
  workspace, sessionId: 'abcdef123456', mode: 'command', agent: 'shell', boundary: 'container', runtime: 'crun',
  image: { ref: 'img' }, profile: { name: 'base', digest: 'sha256:abc' }, argv: [], redact: createRedactor([]),
})

describe('a planted journal entry', () => {
  it('with a traversing record name writes nothing outside the project and deletes nothing there', async () => {
    mkdirSync(journalDir(ws), { recursive: true })
    writeFileSync(join(journalDir(ws), 'x.json'), JSON.stringify(plantedJournal({ baseName: '../../../victim/planted' })))
    writeFileSync(join(victim, 'planted.network.jsonl'), '') // empty: recovery would delete it as "unused"

    expect(await finalizeStaleSessions(ws)).toEqual([])
    expect(readdirSync(victim)).toEqual(['planted.network.jsonl'])
    expect(readdirSync(logDir(ws))).toEqual(['.journal'])
  })

  it('is skipped when its id, file name or pid is not one wrapix writes', async () => {
    mkdirSync(journalDir(ws), { recursive: true })
    writeFileSync(join(journalDir(ws), 'x.json'), JSON.stringify(plantedJournal({ id: '../x' })))
    writeFileSync(join(journalDir(ws), 'y.json'), JSON.stringify(plantedJournal({ id: 'x' }))) // name ≠ id
    writeFileSync(join(journalDir(ws), 'z.json'), JSON.stringify(plantedJournal({ id: 'z', pid: '1; id' })))
    writeFileSync(join(journalDir(ws), 'ok.json'), JSON.stringify(plantedJournal({ id: 'ok' })))
    expect((await readJournals(ws)).map((j) => j.entry.id)).toEqual(['ok'])
  })
})

describe('a symbolic link under .wrapix', () => {
  it('as .wrapix/log stops retention before it deletes old *.json where the link points', async () => {
    writeFileSync(join(victim, 'policy.json'), '{}')
    utimesSync(join(victim, 'policy.json'), new Date('2020-01-01'), new Date('2020-01-01'))
    mkdirSync(join(ws, '.wrapix'))
    symlinkSync(victim, logDir(ws))

    await expect(applyRetention(ws, 1)).rejects.toMatchObject({ kind: 'policy', message: `${logDir(ws)} is a symbolic link` })
    expect(readdirSync(victim)).toEqual(['policy.json'])
  })

  it('as .wrapix/log (or .wrapix itself) stops the record before anything is written through it', async () => {
    mkdirSync(join(ws, '.wrapix'))
    symlinkSync(victim, logDir(ws))
    await expect(recording(ws)).rejects.toMatchObject({ kind: 'policy' })
    await expect(finalizeStaleSessions(ws)).rejects.toMatchObject({ kind: 'policy' })
    expect(readdirSync(victim)).toEqual([])

    const other = join(root, 'other')
    mkdirSync(other)
    symlinkSync(victim, join(other, '.wrapix'))
    await expect(recording(other)).rejects.toMatchObject({ kind: 'policy', message: `${join(other, '.wrapix')} is a symbolic link` })
    expect(readdirSync(victim)).toEqual([])
  })

  it('as .wrapix/log/.journal stops the journal write and the recovery scan', async () => {
    mkdirSync(logDir(ws), { recursive: true })
    mkdirSync(join(victim, 'j'))
    writeFileSync(join(victim, 'j', 'x.json'), JSON.stringify(plantedJournal({})))
    symlinkSync(join(victim, 'j'), journalDir(ws))
    await expect(recording(ws)).rejects.toMatchObject({ kind: 'policy' })
    await expect(finalizeStaleSessions(ws)).rejects.toMatchObject({ kind: 'policy' })
    expect(readdirSync(join(victim, 'j'))).toEqual(['x.json'])
  })

  it('as the network log file is not followed by the audit log', async () => {
    mkdirSync(logDir(ws), { recursive: true })
    const target = join(victim, 'target')
    writeFileSync(target, 'untouched\n')
    const link = join(logDir(ws), '20261122T031523.623Z-abcdef12.network.jsonl')
    symlinkSync(target, link)
    expect(() => new AuditLog(link)).toThrow(/ELOOP/)
    expect(readFileSync(target, 'utf8')).toBe('untouched\n')
    expect(existsSync(link)).toBe(true)
  })
})
