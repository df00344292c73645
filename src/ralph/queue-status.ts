// What `ralph status` shows: per spec, how many tasks are done/running/ready/waiting/parked/failed, and
// per task its attempts, time, tokens and cost summed from the session records that served it.
import type { SessionRecord } from '../session/record-schema.js'
import { readyTasks } from './queue.js'
import { PARKED, type Task } from './task-schema.js'

export type TaskState = 'done' | 'running' | 'ready' | 'waiting' | 'parked' | 'failed'

export interface TaskStatusRow {
  readonly id: string
  readonly title: string
  readonly state: TaskState
  readonly status: Task['status']
  readonly priority: number
  readonly attempts: number
  readonly durationMs: number
  readonly tokens: number
  readonly costUsd: number
  readonly note: string | null
}

export interface SpecStatus {
  readonly spec: string
  readonly counts: Readonly<Record<TaskState, number>>
  readonly tasks: readonly TaskStatusRow[]
}

export function stateOf(task: Task, ready: ReadonlySet<string>): TaskState {
  if (task.status === 'done' || task.status === 'running' || task.status === 'failed') return task.status
  if (PARKED.includes(task.status)) return 'parked'
  return ready.has(task.id) ? 'ready' : 'waiting'
}

export function queueStatus(tasks: readonly Task[], records: readonly SessionRecord[]): SpecStatus[] {
  const ready = new Set(readyTasks(tasks).map((t) => t.id))
  const byTask = new Map<string, SessionRecord[]>()
  for (const record of records) if (record.taskId) byTask.set(record.taskId, [...(byTask.get(record.taskId) ?? []), record])
  const specs = [...new Set(tasks.map((t) => t.spec))].sort()
  return specs.map((spec) => {
    const rows = tasks.filter((t) => t.spec === spec).map((task) => row(task, stateOf(task, ready), byTask.get(task.id) ?? []))
    const counts = { done: 0, running: 0, ready: 0, waiting: 0, parked: 0, failed: 0 }
    for (const r of rows) counts[r.state]++
    return { spec, counts, tasks: rows }
  })
}

function row(task: Task, state: TaskState, records: readonly SessionRecord[]): TaskStatusRow {
  let tokens = 0
  let costUsd = 0
  for (const r of records) {
    if (!r.transcript.available) continue
    const t = r.transcript.tokens
    tokens += t.input + t.output + t.cacheCreation + t.cacheRead
    costUsd += r.transcript.costUsd ?? 0
  }
  return {
    id: task.id,
    title: task.title,
    state,
    status: task.status,
    priority: task.priority,
    attempts: task.attempts,
    durationMs: records.reduce((sum, r) => sum + r.durationMs, 0),
    tokens,
    costUsd,
    note: task.note ?? null,
  }
}

/** `[#####-----] 5/10` */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`
}
