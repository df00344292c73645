// The loop of `ralph run`: recover what a dead runner left, then take ready tasks (highest priority first,
// one lock per task) and run each to its end state, until the queue is empty, --once, or a stop.
import { WrapixError } from '../errors.js'
import { readyTasks, unknownDependencies } from './queue.js'
import { recoverInterrupted } from './recover.js'
import { runTask, type TaskRunContext } from './run-task.js'
import { acquireTaskLock, releaseTaskLock } from './task-lock.js'
import { listSpecs, loadTasks } from './task-store.js'
import { PARKED, type Task } from './task-schema.js'

/** Exit codes of `ralph run` beyond wrapix's own (2 usage, 3 config, 4 host, 5 policy, 125 internal). */
export const RUN_EXIT = { done: 0, failed: 10, parked: 11, nothingReady: 12, interrupted: 130 } as const

export interface QueueRequest extends Omit<TaskRunContext, 'stopping'> {
  readonly specs?: readonly string[]
  readonly taskId?: string
  readonly once?: boolean
  readonly stopOnFailure?: boolean
  readonly onTask?: (event: 'start' | 'end', task: Task) => void
  readonly onRecovered?: (tasks: Task[]) => void
  readonly stopping?: () => boolean
}

export interface QueueResult {
  readonly exitCode: number
  readonly ran: readonly Task[]
  readonly tasks: readonly Task[]
}

export async function runQueue(req: QueueRequest): Promise<QueueResult> {
  const { workspace } = req
  const specs = req.specs ?? listSpecs(workspace)
  for (const spec of specs) if (!listSpecs(workspace).includes(spec)) throw new WrapixError('usage', `no tasks for spec "${spec}"`, 'add one with: ralph add --spec LABEL "title"')
  req.onRecovered?.(await recoverInterrupted(workspace))
  checkDependencies(loadTasks(workspace, specs))
  const ran: Task[] = []
  const tried = new Set<string>()
  while (!req.stopping?.()) {
    const next = await takeNext(req, specs, tried)
    if (!next) break
    tried.add(next.id)
    req.onTask?.('start', next)
    let end: Task
    try {
      end = await runTask({ ...req }, next)
    } finally {
      await releaseTaskLock(workspace, next.id)
    }
    ran.push(end)
    req.onTask?.('end', end)
    if (req.once || req.taskId || (end.status === 'failed' && req.stopOnFailure)) break
  }
  const tasks = loadTasks(workspace, specs)
  return { exitCode: req.stopping?.() ? RUN_EXIT.interrupted : queueExitCode(tasks, ran), ran, tasks }
}

/** The first ready task (or the named one) whose lock this runner gets. */
async function takeNext(req: QueueRequest, specs: readonly string[], tried: Set<string>): Promise<Task | null> {
  const tasks = loadTasks(req.workspace, specs)
  let candidates = readyTasks(tasks)
  if (req.taskId) {
    const named = tasks.find((t) => t.id === req.taskId)
    if (!named) throw new WrapixError('usage', `--task ${req.taskId}: no such task`, 'list tasks with: ralph status')
    if (!candidates.includes(named)) {
      throw new WrapixError('usage', `task ${named.id} is not ready (status ${named.status}${named.dependsOn.length ? `, depends on ${named.dependsOn.join(', ')}` : ''})`, 'see: ralph status')
    }
    candidates = [named]
  }
  for (const task of candidates) {
    if (tried.has(task.id)) continue
    if (await acquireTaskLock(req.workspace, task.id)) return task
  }
  return null
}

function checkDependencies(tasks: readonly Task[]): void {
  const [first] = unknownDependencies(tasks)
  if (first) throw new WrapixError('config', `${first.task.file}: dependsOn: no task ${first.missing.join(', ')}`, `fix ${first.task.file}`)
}

/** 0 when everything is done (or --once made progress); else failed > parked > nothing ready. */
export function queueExitCode(tasks: readonly Task[], ran: readonly Task[]): number {
  if (tasks.some((t) => t.status === 'failed')) return RUN_EXIT.failed
  if (tasks.some((t) => PARKED.includes(t.status))) return RUN_EXIT.parked
  if (tasks.length > 0 && tasks.every((t) => t.status === 'done')) return RUN_EXIT.done
  return ran.length > 0 && ran.every((t) => t.status === 'done') ? RUN_EXIT.done : RUN_EXIT.nothingReady
}
