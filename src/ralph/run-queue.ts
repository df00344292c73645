// The loop of `ralph run`: recover what a dead runner left, then take ready tasks (highest priority first,
// one lock per task) and run each to its end state, until the queue is empty, --once, or a stop.
import { createHash } from 'node:crypto'
import { mkdir, rm, rmdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WrapixError } from '../errors.js'
import { collectCloneRecords } from './clone-records.js'
import { createTaskClone, mergeTaskBranch, taskBranch } from './task-git.js'
import { readyTasks, unknownDependencies } from './queue.js'
import { recoverInterrupted } from './recover.js'
import { runTask, type TaskRunContext } from './run-task.js'
import { acquireTaskLock, releaseTaskLock } from './task-lock.js'
import { listSpecs, loadTasks, saveTask } from './task-store.js'
import { PARKED, type Task } from './task-schema.js'

/** Exit codes of `ralph run` beyond wrapix's own (2 usage, 3 config, 4 host, 5 policy, 125 internal). */
export const RUN_EXIT = { done: 0, failed: 10, parked: 11, nothingReady: 12, interrupted: 130 } as const

export interface QueueRequest extends Omit<TaskRunContext, 'stopping'> {
  readonly specs?: readonly string[]
  readonly taskId?: string
  readonly once?: boolean
  readonly stopOnFailure?: boolean
  /** Tasks at once; above 1 each task runs in its own clone on branch ralph/<spec>/<task>. */
  readonly parallel?: number
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
  const ran = (req.parallel ?? 1) > 1 ? await runParallel(req, specs) : await runSequential(req, specs)
  const tasks = loadTasks(workspace, specs)
  return { exitCode: req.stopping?.() ? RUN_EXIT.interrupted : queueExitCode(tasks, ran), ran, tasks }
}

async function runSequential(req: QueueRequest, specs: readonly string[]): Promise<Task[]> {
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
      await releaseTaskLock(req.workspace, next.id)
    }
    ran.push(end)
    req.onTask?.('end', end)
    if (req.once || req.taskId || (end.status === 'failed' && req.stopOnFailure)) break
  }
  return ran
}

/** Up to `parallel` tasks at once, each in its own clone and sandbox; finished branches merge one at a time. */
async function runParallel(req: QueueRequest, specs: readonly string[]): Promise<Task[]> {
  const ran: Task[] = []
  const tried = new Set<string>()
  const running = new Set<Promise<void>>()
  const root = join(tmpdir(), 'wrapix-ralph', createHash('sha256').update(req.workspace).digest('hex').slice(0, 12))
  await mkdir(root, { recursive: true, mode: 0o700 })
  let merging: Promise<unknown> = Promise.resolve()
  let stop = false
  const errors: unknown[] = []
  const work = async (task: Task): Promise<void> => {
    const cloneDir = join(root, task.id)
    const branch = taskBranch(task.spec, task.id)
    try {
      await createTaskClone(req.workspace, cloneDir, branch)
      let end = await runTask({ ...req, dir: cloneDir }, task)
      await collectCloneRecords(cloneDir, req.workspace)
      if (end.status === 'done') {
        // One merge at a time, in the order tasks finish.
        const merged = merging.then(() => mergeTaskBranch(req.workspace, cloneDir, branch))
        merging = merged.catch(() => {})
        const result = await merged
        if (!result.merged) {
          end = { ...end, status: 'conflict', note: result.note }
          await saveTask(req.workspace, end)
        }
      }
      ran.push(end)
      req.onTask?.('end', end)
      if (end.status === 'failed' && req.stopOnFailure) stop = true
    } catch (error) {
      // The others finish first: no sandbox is left behind when the run stops on an error.
      errors.push(error)
      stop = true
    } finally {
      await releaseTaskLock(req.workspace, task.id)
      await rm(cloneDir, { recursive: true, force: true })
    }
  }
  for (;;) {
    while (!stop && !req.stopping?.() && running.size < req.parallel! && !(req.once && tried.size > 0)) {
      const next = await takeNext(req, specs, tried)
      if (!next) break
      tried.add(next.id)
      req.onTask?.('start', next)
      const job: Promise<void> = work(next).finally(() => running.delete(job))
      running.add(job)
    }
    if (running.size === 0) break
    await Promise.race(running)
  }
  await rmdir(root).catch(() => {}) // only when empty: another runner may still use it
  if (errors.length > 0) throw errors[0]
  return ran
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
