// `wrapix log ls|show` over records written by the real recorder in a temp workspace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../../src/cli/main.js'
import { startRecording } from '../../../src/session/recorder.js'
import { createRedactor } from '../../../src/session/redact.js'

let ws: string
let stdout: string
let stderr: string
beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'wrapix-log-cli-'))
  stdout = ''
  stderr = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true))
})
afterEach(() => {
  vi.restoreAllMocks()
  rmSync(ws, { recursive: true, force: true })
})

async function aSession(sessionId: string, startIso: string, exitCode: number | null, denied = 0): Promise<void> {
  let t = Date.parse(startIso)
  const rec = await startRecording({
    workspace: ws, sessionId, mode: 'command', taskId: exitCode === 1 ? 'task-3' : undefined, agent: 'shell', boundary: 'container', runtime: 'crun',
    image: { ref: 'localhost/wrapix:t' }, profile: { name: 'base', digest: 'sha256:1' }, argv: ['podman', 'run'],
    redact: createRedactor([]), now: () => new Date((t += 65_000)),
  })
  await rec.finish({
    exitCode,
    exitStatus: exitCode === null ? 'unknown' : 'exited',
    network: { mode: 'limit', policyDigest: 'sha256:p', allowed: 2, denied, deniedHosts: denied ? [{ host: 'evil.example', port: 443, count: denied, allowCommand: 'wrapix --allow evil.example:443', reason: 'evil.example:443 is not in the allowlist' }] : [] , credentialLeaks: [], connections: { total: 6, peak: 2, refused: 0, idleClosed: 0 } },
  })
}

describe('wrapix log', () => {
  it('ls --json lists sessions newest first with exit, agent, task and denials', async () => {
    await aSession('aaaa1111-x', '2026-11-20T10:00:00.000Z', 0)
    await aSession('bbbb2222-x', '2026-11-21T10:00:00.000Z', 1, 3)
    expect(await main(['log', 'ls', '--json', '-C', ws])).toBe(0)
    const rows = JSON.parse(stdout) as { id: string; exitCode: number; taskId: string | null; denied: number; durationMs: number }[]
    expect(rows.map((r) => [r.id, r.exitCode, r.taskId, r.denied, r.durationMs])).toEqual([
      ['bbbb2222-x', 1, 'task-3', 3, 65_000],
      ['aaaa1111-x', 0, null, 0, 65_000],
    ])
  })

  it('ls prints a table a person can read', async () => {
    await aSession('aaaa1111-x', '2026-11-20T10:00:00.000Z', 0)
    expect(await main(['log', 'ls', '-C', ws])).toBe(0)
    const [header, row] = stdout.trimEnd().split('\n')
    expect(header).toMatch(/^WHEN\s+DURATION\s+EXIT\s+AGENT\s+MODE\s+TASK\s+DENIED\s+RECORD$/)
    expect(row).toMatch(/1m 05s\s+0\s+shell\s+command\s+-\s+0\s+20261120T100105\.000Z-aaaa1111$/)
  })

  it('show finds a session by short id and shows denied hosts with the command that allows them', async () => {
    await aSession('aaaa1111-x', '2026-11-20T10:00:00.000Z', 0)
    await aSession('bbbb2222-x', '2026-11-21T10:00:00.000Z', 1, 3)
    expect(await main(['log', 'show', 'aaaa1111', '-C', ws])).toBe(0)
    expect(stdout).toContain('session aaaa1111-x')
    stdout = ''
    expect(await main(['log', 'show', 'latest', '-C', ws])).toBe(0)
    expect(stdout).toContain('session bbbb2222-x')
    expect(stdout).toMatch(/denied evil\.example:443 ×3\s+allow with: wrapix --allow evil\.example:443/)
    stdout = ''
    expect(await main(['log', 'show', 'bbbb', '--json', '-C', ws])).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ schemaVersion: 1, id: 'bbbb2222-x', exitCode: 1 })
  })

  it('show fails with a usage error for an unknown or ambiguous session', async () => {
    await aSession('aaaa1111-x', '2026-11-20T10:00:00.000Z', 0)
    await aSession('aaaa2222-x', '2026-11-21T10:00:00.000Z', 0)
    expect(await main(['log', 'show', 'zzzz', '-C', ws])).toBe(2)
    expect(stderr).toContain('no session record matches "zzzz"')
    expect(await main(['log', 'show', 'aaaa', '-C', ws])).toBe(2)
    expect(stderr).toContain('"aaaa" matches 2 session records')
    expect(stdout).toBe('')
  })

  it('says where it looked when there are no records, and names files it skipped', async () => {
    expect(await main(['log', 'ls', '-C', ws])).toBe(0)
    expect(stdout).toBe('')
    expect(stderr).toContain(`no session records in ${join(ws, '.wrapix', 'log')}`)
    expect(await main(['log', 'show', '-C', ws])).toBe(2)
    expect(stderr).toContain(`no session records in ${join(ws, '.wrapix', 'log')}`)

    await aSession('aaaa1111-x', '2026-11-20T10:00:00.000Z', 0)
    const foreign = join(ws, '.wrapix', 'log', '20261121T000000.000Z-future.json')
    writeFileSync(foreign, JSON.stringify({ schemaVersion: 2 }))
    stderr = ''
    expect(await main(['log', 'ls', '--json', '-C', ws])).toBe(0)
    expect((JSON.parse(stdout) as { id: string }[]).map((r) => r.id)).toEqual(['aaaa1111-x'])
    expect(stderr).toContain(`skipped ${foreign}: not a version 1 session record`)
  })
})
