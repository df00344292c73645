// Which tasks are ready, in which order. Pure.
import type { Task } from './task-schema.js'

/** Ready: to do, and every dependency done. Highest priority (lowest number) first, then by id. */
export function readyTasks(tasks: readonly Task[]): Task[] {
  const done = new Set(tasks.filter((t) => t.status === 'done').map((t) => t.id))
  return tasks
    .filter((t) => t.status === 'todo' && t.dependsOn.every((id) => done.has(id)))
    .sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id, 'en', { numeric: true }))
}

/** Dependencies that name no task: such a task would never become ready. */
export function unknownDependencies(tasks: readonly Task[]): { task: Task; missing: string[] }[] {
  const ids = new Set(tasks.map((t) => t.id))
  return tasks.map((task) => ({ task, missing: task.dependsOn.filter((id) => !ids.has(id)) })).filter((x) => x.missing.length > 0)
}
