// `wrapix policy log` finds a session's audit file by the ids `wrapix log show` takes, and skips bad lines.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findAuditFile, readAuditEvents } from '../../../src/network/audit-files.js'

const dir = mkdtempSync(join(tmpdir(), 'wrapix-audit-files-'))
const OLD = '20260101T000000.000Z-aaaa1111'
const NEW = '20260102T000000.000Z-bbbb2222'
for (const base of [OLD, NEW]) writeFileSync(join(dir, `${base}.network.jsonl`), '')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('findAuditFile', () => {
  it.each([
    [undefined, NEW],
    ['latest', NEW],
    [OLD, OLD],
    ['20260101', OLD],
    ['aaaa1111', OLD],
    ['aaaa', OLD],
    ['aaaa1111-2222-3333-4444-555566667777', OLD], // a full session id: its short id is the first 8 letters
  ])('%s → %s', async (ref, base) => {
    expect((await findAuditFile(dir, ref)).session).toBe(base)
  })
  it('names an id no session has, with a hint naming a real command', async () => {
    await expect(findAuditFile(dir, 'cccc')).rejects.toMatchObject({ message: `no session "cccc" in ${dir}`, hint: 'list sessions with: wrapix log ls' })
  })
})

describe('readAuditEvents', () => {
  it('keeps decisions and counts the lines that are not (damaged, foreign, torn)', async () => {
    const good = { time: '2026-01-01T00:00:00Z', kind: 'connect', host: 'a.test', port: 443, address: null, decision: 'deny', rule: null, source: null, reason: 'no rule', allowArg: null, bytesUp: 0, bytesDown: 0, durationMs: 0 }
    const file = join(dir, 'mixed.network.jsonl')
    writeFileSync(file, [JSON.stringify(good), 'not json', JSON.stringify({ hello: 'world' }), '', JSON.stringify(good), '{"torn'].join('\n'))
    const { events, skippedLines } = await readAuditEvents(file)
    expect(events).toHaveLength(2)
    expect(skippedLines).toEqual([2, 3, 6])
  })
})
