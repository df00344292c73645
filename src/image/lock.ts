// A cross-process lock file (O_EXCL create, holder's pid and start time inside) so that two wrapix starts needing
// the same missing image build it once. A lock whose holder died (or whose pid now names another process) is
// broken; a live holder is waited for.
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { WrapixError } from '../errors.js'
import { currentProcessOwner, processOwnerAlive, type ProcessOwner } from '../host/process-owner.js'

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
    if (holder !== null && !processOwnerAlive(holder)) {
      breakStale(file, holder)
      continue
    }
    if (!told && holder !== null) {
      opts.onWait?.(holder.pid)
      told = true
    }
    if (Date.now() > deadline) {
      throw new WrapixError('timeout', `gave up waiting for ${file} (held by pid ${holder?.pid ?? '?'})`, `if no wrapix is running, remove the lock: rm ${file}`)
    }
    await sleep(opts.pollMs ?? 200)
  }
}

function tryCreate(file: string): boolean {
  try {
    const fd = openSync(file, 'wx', 0o644)
    const owner = currentProcessOwner()
    writeSync(fd, `${owner.pid} ${owner.startTicks ?? ''}\n`)
    closeSync(fd)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

/** "<pid> <start ticks>" (ticks may be missing) → the holder; null while it is still being written (or just went away). */
function readHolder(file: string): ProcessOwner | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  const [pidText = '', startTicks = ''] = text.trim().split(/\s+/)
  const pid = Number.parseInt(pidText, 10)
  return Number.isInteger(pid) && pid > 0 ? { pid, startTicks: startTicks || null } : null
}

const sameHolder = (a: ProcessOwner | null, b: ProcessOwner): boolean => a?.pid === b.pid && a.startTicks === b.startTicks

// Two waiters may find the same stale lock. Each moves it aside under its own name (rename is atomic, so one
// wins); if what it moved is not the stale lock it saw, a new holder had already taken it, so put it back.
function breakStale(file: string, stale: ProcessOwner): void {
  const aside = `${file}.${process.pid}.stale`
  try {
    renameSync(file, aside)
  } catch {
    return // someone else moved it first
  }
  if (!sameHolder(readHolder(aside), stale)) {
    try {
      linkSync(aside, file)
    } catch {
      // a third process created a lock meanwhile; the moved one's holder will find its file gone on release
    }
  }
  unlinkSync(aside)
}

function release(file: string): void {
  if (!sameHolder(readHolder(file), currentProcessOwner())) return // never remove a lock we do not hold
  try {
    unlinkSync(file)
  } catch {
    // already gone
  }
}
