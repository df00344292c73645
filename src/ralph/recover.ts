// Resuming after a runner died (Ctrl-C, SIGKILL, reboot): tasks it left "running" go back into the queue,
// and its unfinished session records are finalised.
import { finalizeStaleSessions } from '../session/finalize-stale.js'
import { readLockOwner, releaseTaskLock, taskLockedByLiveRunner } from './task-lock.js'
import { loadTasks, saveTask } from './task-store.js'
import type { Task } from './task-schema.js'

/** Re-queues every task left running by a dead runner; returns those tasks as saved. */
export async function recoverInterrupted(workspace: string): Promise<Task[]> {
  const recovered: Task[] = []
  for (const task of loadTasks(workspace)) {
    if (task.status !== 'running' || taskLockedByLiveRunner(workspace, task.id)) continue
    const owner = readLockOwner(workspace, task.id)
    const saved: Task = {
      ...task,
      status: 'todo',
      note: `attempt ${task.attempts} was interrupted: its runner${owner ? ` (pid ${owner.pid})` : ''} stopped before the task ended`,
    }
    await saveTask(workspace, saved)
    await releaseTaskLock(workspace, task.id)
    recovered.push(saved)
  }
  await finalizeStaleSessions(workspace)
  return recovered
}
