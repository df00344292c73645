// A cross-process lock file (O_EXCL create, holder's pid inside) so that two wrapix starts needing the same
// missing image build it once. A lock whose holder died is broken; a live holder is waited for.
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { WrapixError } from '../errors.js'

export interface LockOptions {
  readonly timeoutMs?: number // how long to wait for a live holder (default 30 min: a cold build takes minutes)
  readonly pollMs?: number
  /** Called once when the lock is held by someone else and we start waiting. */
  readonly onWait?: (holderPid: number) => void
}

export async function withLock<T>(file: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  await mkdir(dirname(file), { recursive: true })
  await acquire(file, opts)
  try {
    return await fn()
  } finally {
    release(file)
  }
}

async function acquire(file: string, opts: LockOptions): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000)
  let told = false
  for (;;) {
    if (tryCreate(file)) return
    const holder = readHolder(file)
    if (holder !== null && !isAlive(holder)) {
      breakStale(file, holder)
      continue
    }
    if (!told && holder !== null) {
      opts.onWait?.(holder)
      told = true
    }
    if (Date.now() > deadline) {
      throw new WrapixError('timeout', `gave up waiting for ${file} (held by pid ${holder ?? '?'})`, `if no wrapix is running, remove the lock: rm ${file}`)
    }
    await sleep(opts.pollMs ?? 200)
  }
}

function tryCreate(file: string): boolean {
  try {
    const fd = openSync(file, 'wx', 0o644)
    writeSync(fd, `${process.pid}\n`)
    closeSync(fd)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

/** The holder's pid; null while the holder is still writing it (or the file just went away). */
export function readHolder(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' // exists, owned by someone else
  }
}

// Two waiters may find the same stale lock. Each moves it aside under its own name (rename is atomic, so one
// wins); if what it moved is not the stale lock it saw, a new holder had already taken it, so put it back.
function breakStale(file: string, stalePid: number): void {
  const aside = `${file}.${process.pid}.stale`
  try {
    renameSync(file, aside)
  } catch {
    return // someone else moved it first
  }
  if (readHolder(aside) !== stalePid) {
    try {
      linkSync(aside, file)
    } catch {
      // a third process created a lock meanwhile; the moved one's holder will find its file gone on release
    }
  }
  unlinkSync(aside)
}

function release(file: string): void {
  if (readHolder(file) !== process.pid) return // never remove a lock we do not hold
  try {
    unlinkSync(file)
  } catch {
    // already gone
  }
}
