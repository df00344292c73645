import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderRecordSchema, SCHEMA_FILE } from '../../../scripts/write-record-schema.js'
import { SessionRecordSchema, type SessionRecord } from '../../../src/session/record-schema.js'

const aRecord = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
  schemaVersion: 1,
  id: 'a1b2c3d4-0000-4000-8000-000000000000',
  start: '2026-11-22T03:15:22.123Z',
  end: '2026-11-22T03:16:22.123Z',
  durationMs: 60_000,
  exitCode: 0,
  exitStatus: 'exited',
  mode: 'command',
  taskId: null,
  agent: { name: 'shell', version: null, sessionIds: [] },
  boundary: 'gvisor',
  runtime: 'runsc',
  image: { ref: 'localhost/wrapix-base:abc', id: null },
  profile: { name: 'base', digest: 'sha256:00' },
  argv: ['podman', 'run', '--rm'],
  policy: { mode: 'limit', digest: 'sha256:11' },
  network: { allowed: 3, denied: 1, deniedHosts: [{ host: 'evil.example', port: 443, count: 1, allowCommand: 'wrapix --allow evil.example:443', reason: 'evil.example:443 is not in the allowlist' }], decisionsFile: 'x.network.jsonl' },
  git: { available: false, reason: 'not a git repository' },
  transcript: { available: false, reason: 'a shell session has no agent transcript' },
  host: { pid: 123, finalizedBy: 'session' },
  ...overrides,
})

describe('session record schema', () => {
  it('keeps the published top-level keys', () => {
    expect(Object.keys(SessionRecordSchema.shape)).toEqual(
      expect.arrayContaining(['schemaVersion', 'id', 'start', 'end', 'durationMs', 'exitCode', 'mode', 'taskId', 'agent', 'boundary', 'image', 'argv', 'policy', 'network', 'git', 'transcript']),
    )
  })

  it('accepts a complete record and a recovered one with unknown exit', () => {
    expect(SessionRecordSchema.parse(aRecord())).toEqual(aRecord())
    const recovered = aRecord({ exitCode: null, exitStatus: 'unknown', network: null, host: { pid: 9, finalizedBy: 'recovery' } })
    expect(SessionRecordSchema.safeParse(recovered).success).toBe(true)
  })

  it('rejects unknown keys and another schema version', () => {
    expect(SessionRecordSchema.safeParse({ ...aRecord(), extra: 1 }).success).toBe(false)
    expect(SessionRecordSchema.safeParse({ ...aRecord(), schemaVersion: 2 }).success).toBe(false)
  })

  it('matches the committed docs/session-record.schema.json (run `npm run schema` after changing it)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderRecordSchema())
  })
})
