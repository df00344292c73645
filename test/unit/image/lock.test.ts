import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { withLock } from '../../../src/image/lock.js'

let dir = ''
let lockFile = ''
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wrapix-lock-'))
  lockFile = join(dir, 'locks', 'image.lock')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A pid that surely belongs to no running process: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid!
}

describe('withLock', () => {
  it('runs concurrent holders one after the other', async () => {
    const events: string[] = []
    const job = (name: string) =>
      withLock(lockFile, async () => {
        events.push(`${name} start`)
        await new Promise((resolve) => setTimeout(resolve, 50))
        events.push(`${name} end`)
      }, { pollMs: 10 })
    await Promise.all([job('a'), job('b')])
    const [first, second] = events[0] === 'a start' ? ['a', 'b'] : ['b', 'a']
    expect(events).toEqual([`${first} start`, `${first} end`, `${second} start`, `${second} end`])
    expect(existsSync(lockFile)).toBe(false)
  })

  it('breaks a lock left behind by a process that died', async () => {
    mkdirSync(join(dir, 'locks'), { recursive: true })
    writeFileSync(lockFile, `${await deadPid()}\n`)
    expect(await withLock(lockFile, async () => 'ran', { timeoutMs: 2000, pollMs: 10 })).toBe('ran')
  })

  it('breaks a lock whose pid now belongs to another process (the start time differs)', async () => {
    mkdirSync(join(dir, 'locks'), { recursive: true })
    writeFileSync(lockFile, `${process.ppid} 1\n`) // a live pid, but not the process that started at tick 1
    expect(await withLock(lockFile, async () => 'ran', { timeoutMs: 2000, pollMs: 10 })).toBe('ran')
    expect(existsSync(lockFile)).toBe(false)
  })

  it('waits for a live holder and gives up with a timeout error naming the lock file', async () => {
    mkdirSync(join(dir, 'locks'), { recursive: true })
    writeFileSync(lockFile, `${process.ppid}\n`) // alive: our parent process
    let waitedFor = 0
    const error = await withLock(lockFile, async () => 'ran', { timeoutMs: 100, pollMs: 10, onWait: (pid) => { waitedFor = pid } }).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'timeout', message: expect.stringContaining(lockFile) })
    expect(waitedFor).toBe(process.ppid)
    expect(readFileSync(lockFile, 'utf8')).toBe(`${process.ppid}\n`) // someone else's lock is left alone
  })
})
