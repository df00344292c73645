// readCapped: files a user or a project names are read without trusting what they are.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { readCapped } from '../../../src/fs/read-capped.js'

const dir = mkdtempSync(join(tmpdir(), 'wrapix-read-capped-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('readCapped', () => {
  it('reads a small file, and through a symbolic link', () => {
    writeFileSync(join(dir, 'a.env'), 'A=1\n')
    symlinkSync(join(dir, 'a.env'), join(dir, 'link.env'))
    expect(readCapped(join(dir, 'a.env'), 100)).toEqual({ ok: true, text: 'A=1\n' })
    expect(readCapped(join(dir, 'link.env'), 100)).toEqual({ ok: true, text: 'A=1\n' })
  })
  it('names a missing file and a directory', () => {
    expect(readCapped(join(dir, 'nope'), 100)).toMatchObject({ ok: false, reason: 'missing' })
    mkdirSync(join(dir, 'd'))
    expect(readCapped(join(dir, 'd'), 100)).toMatchObject({ ok: false, reason: 'directory' })
  })
  it('refuses a file above the cap before reading it, and an endless device after the cap', () => {
    writeFileSync(join(dir, 'big'), 'x'.repeat(101))
    expect(readCapped(join(dir, 'big'), 100)).toMatchObject({ ok: false, reason: 'too-large', detail: 'larger than 100 bytes' })
    expect(readCapped('/dev/zero', 1024 * 1024)).toMatchObject({ ok: false, reason: 'too-large', detail: 'larger than 1 MiB' })
  })
  it('reads a FIFO nobody writes to as empty, without hanging', () => {
    execFileSync('mkfifo', [join(dir, 'fifo')])
    expect(readCapped(join(dir, 'fifo'), 100, 500)).toEqual({ ok: true, text: '' })
  })
})
