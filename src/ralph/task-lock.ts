// One lock file per task, so two `ralph run` in the same project never take the same task. A lock whose
// owner process is gone (killed, rebooted) is stale and may be taken over.
import { readFileSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { mkdirNoFollow } from '../fs/no-symlinks.js'
import { join } from 'node:path'
import { createFileAtomic } from '../fs/atomic-write.js'
import { currentProcessOwner, processOwnerAlive, type ProcessOwner } from '../host/process-owner.js'
import { RALPH_DIR } from './ralph-config.js'

export const lockPath = (workspace: string, taskId: string): string => join(workspace, RALPH_DIR, '.locks', `${taskId}.lock`)

export function readLockOwner(workspace: string, taskId: string): ProcessOwner | null {
  try {
    const owner = JSON.parse(readFileSync(lockPath(workspace, taskId), 'utf8')) as ProcessOwner
    return typeof owner.pid === 'number' ? owner : null
  } catch {
    return null
  }
}

/** True when a live runner holds the task's lock. */
export function taskLockedByLiveRunner(workspace: string, taskId: string): boolean {
  const owner = readLockOwner(workspace, taskId)
  return owner !== null && processOwnerAlive(owner)
}

/** Takes the task's lock; false when another live runner holds it. A stale lock is replaced. */
export async function acquireTaskLock(workspace: string, taskId: string): Promise<boolean> {
  const path = lockPath(workspace, taskId)
  await mkdirNoFollow(workspace, join(workspace, RALPH_DIR, '.locks'))
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await createFileAtomic(path, `${JSON.stringify(currentProcessOwner())}\n`)
      return true
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      if (taskLockedByLiveRunner(workspace, taskId)) return false
      await unlink(path).catch(() => {})
    }
  }
  return false
}

export async function releaseTaskLock(workspace: string, taskId: string): Promise<void> {
  await unlink(lockPath(workspace, taskId)).catch(() => {})
}
