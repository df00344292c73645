// Task files on disk: `.wrapix/ralph/<spec>/NNN-<slug>.md`, read and written by the host only (the
// sandbox sees `.wrapix/` read-only). Every write replaces the whole file atomically.
import { readdirSync, readFileSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { assertNoSymlinks, mkdirNoFollow } from '../fs/no-symlinks.js'
import { join, relative } from 'node:path'
import { createFileAtomic, writeFileAtomic } from '../fs/atomic-write.js'
import { WrapixError } from '../errors.js'
import { RALPH_DIR } from './ralph-config.js'
import { formatTaskFile, parseTaskFile, slugOf } from './task-file.js'
import { SpecLabelSchema, type Task } from './task-schema.js'

const TASK_FILE = /^(\d{3,})-[a-z0-9-]+\.md$/

export const specTasksDir = (workspace: string, spec: string): string => join(workspace, RALPH_DIR, spec)
export const specFile = (spec: string): string => join('specs', `${spec}.md`)

/** Spec labels that have a task folder. */
export function listSpecs(workspace: string): string[] {
  let names: string[]
  try {
    names = readdirSync(join(workspace, RALPH_DIR), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return names.filter((name) => SpecLabelSchema.safeParse(name).success).sort()
}

/** Every task of the given specs (all specs when none given); ids must be unique. */
export function loadTasks(workspace: string, specs: readonly string[] = listSpecs(workspace)): Task[] {
  const tasks: Task[] = []
  for (const spec of specs) {
    const dir = specTasksDir(workspace, spec)
    let names: string[]
    try {
      names = readdirSync(dir).filter((name) => TASK_FILE.test(name)).sort()
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw err
    }
    for (const name of names) {
      const path = join(dir, name)
      tasks.push(parseTaskFile(readFileSync(path, 'utf8'), relative(workspace, path), spec))
    }
  }
  const seen = new Map<string, string>()
  for (const task of tasks) {
    const other = seen.get(task.id)
    if (other) throw new WrapixError('config', `${task.file}:2: id: "${task.id}" is also the id of ${other}`, 'give each task its own id')
    seen.set(task.id, task.file)
  }
  return tasks
}

export async function saveTask(workspace: string, task: Task): Promise<void> {
  await assertNoSymlinks(workspace, join(workspace, task.file)) // a committed link must not redirect task state
  await writeFileAtomic(join(workspace, task.file), formatTaskFile(task))
}

/** Reads a task's file again (a human may have edited it while the runner worked). */
export function reloadTask(workspace: string, task: Task): Task {
  return parseTaskFile(readFileSync(join(workspace, task.file), 'utf8'), task.file, task.spec)
}

export interface NewTask {
  readonly spec: string
  readonly title: string
  readonly description: string
  readonly priority?: number
  readonly dependsOn?: readonly string[]
  readonly profile?: string
}

/** Creates the next numbered task of a spec; never replaces an existing file. */
export async function addTask(workspace: string, input: NewTask): Promise<Task> {
  const spec = SpecLabelSchema.safeParse(input.spec)
  if (!spec.success) throw new WrapixError('usage', `spec label "${input.spec}" is not valid`, 'use lower-case letters, digits and "-", e.g. auth')
  const dir = specTasksDir(workspace, input.spec)
  await mkdirNoFollow(workspace, dir)
  const existing = loadTasks(workspace)
  const known = new Set(existing.map((t) => t.id))
  for (const dep of input.dependsOn ?? []) {
    if (!known.has(dep)) throw new WrapixError('usage', `--depends-on ${dep}: no such task`, 'list tasks with: ralph status')
  }
  const numbers = existing.filter((t) => t.spec === input.spec).map((t) => Number(t.id.slice(input.spec.length + 1)))
  const number = String(Math.max(0, ...numbers) + 1).padStart(3, '0')
  const task: Task = {
    id: `${input.spec}-${number}`,
    title: input.title,
    priority: input.priority ?? 2,
    dependsOn: [...(input.dependsOn ?? [])],
    status: 'todo',
    attempts: 0,
    ...(input.profile ? { profile: input.profile } : {}),
    sessions: [],
    spec: input.spec,
    file: relative(workspace, join(dir, `${number}-${slugOf(input.title)}.md`)),
    description: input.description,
  }
  // Validate through the same parser a later run uses, so `add` never writes a file `run` refuses.
  const text = formatTaskFile(task)
  parseTaskFile(text, task.file, task.spec)
  await createFileAtomic(join(workspace, task.file), text)
  return task
}

/** Creates the files of new tasks (already validated, with their ids): all of them, or none. */
export async function createTasks(workspace: string, spec: string, tasks: readonly Task[]): Promise<void> {
  if (tasks.length === 0) return
  await mkdirNoFollow(workspace, specTasksDir(workspace, spec))
  const created: string[] = []
  try {
    for (const task of tasks) {
      const path = join(workspace, task.file)
      await assertNoSymlinks(workspace, path)
      await createFileAtomic(path, formatTaskFile(task))
      created.push(path)
    }
  } catch (err) {
    for (const path of created) await unlink(path).catch(() => {})
    throw err
  }
}

/** Undoes createTasks (a later step of the same change failed). */
export async function removeTasks(workspace: string, tasks: readonly Task[]): Promise<void> {
  for (const task of tasks) await unlink(join(workspace, task.file)).catch(() => {})
}
