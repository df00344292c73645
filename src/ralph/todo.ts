// `ralph todo`: a non-interactive session reads the spec as committed (or only what changed in it since
// the last todo) and proposes tasks; the host validates them and writes the task files, all or none.
import { join } from 'node:path'
import { WrapixError } from '../errors.js'
import { loadTemplate, renderTemplate } from './prompt-template.js'
import { readProjectText } from './project-file.js'
import { RALPH_DIR, type RalphConfig } from './ralph-config.js'
import type { Launcher } from './run-attempt.js'
import { runStep } from './run-step.js'
import { commitExists, committedFile, fileDiff, headCommit, type CommittedFile } from './spec-git.js'
import { loadSpecState, saveSpecState } from './spec-state.js'
import { acquireTaskLock, releaseTaskLock } from './task-lock.js'
import { planTasks, taskFormatText } from './task-proposal.js'
import { SpecLabelSchema, type Task } from './task-schema.js'
import { createTasks, loadTasks, removeTasks, specFile } from './task-store.js'

export interface StepContext {
  readonly workspace: string
  readonly config: RalphConfig
  readonly launch: Launcher
  readonly spec: string
  readonly timeoutMs?: number
}

export type TodoOutcome =
  | { readonly kind: 'unchanged'; readonly commit: string }
  | { readonly kind: 'added'; readonly added: readonly Task[]; readonly skipped: readonly { title: string; id: string }[]; readonly summary?: string; readonly since?: string; readonly headMoved: boolean }
  | { readonly kind: 'refused'; readonly problem: string; readonly logPath: string; readonly headMoved: boolean }

export function checkLabel(spec: string): void {
  const parsed = SpecLabelSchema.safeParse(spec)
  if (!parsed.success) throw new WrapixError('usage', `spec label "${spec}": ${parsed.error.issues[0]!.message}`, 'e.g. --spec auth')
}

/** One todo or check of a spec at a time: both add tasks, and numbers must not collide. */
export async function withSpecLock<T>(workspace: string, spec: string, body: () => Promise<T>): Promise<T> {
  const lock = `${spec}.tasks`
  if (!(await acquireTaskLock(workspace, lock))) {
    throw new WrapixError('usage', `another ralph todo or check is adding tasks to spec ${spec}`, 'wait for it to finish, then try again')
  }
  try {
    return await body()
  } finally {
    await releaseTaskLock(workspace, lock)
  }
}

/** The spec as committed at HEAD; it must exist and have no uncommitted changes (todo tracks it by commit). */
export async function committedSpec(workspace: string, spec: string): Promise<{ head: string; file: CommittedFile }> {
  const rel = specFile(spec)
  const head = await headCommit(workspace)
  const working = await readProjectText(workspace, rel)
  const file = head ? await committedFile(workspace, head, rel) : null
  if (!file) {
    if (working === null) throw new WrapixError('usage', `there is no spec ${rel}`, `write one with: ralph plan -n ${spec}`)
    throw new WrapixError('usage', `${rel} is not committed; ralph reads specs by commit`, `commit it first: git add ${rel} && git commit`)
  }
  if (working !== file.text) throw new WrapixError('usage', `${rel} has changes that are not committed; ralph reads specs by commit`, `commit them first: git add ${rel} && git commit`)
  return { head: head!, file }
}

export const taskLine = (t: Task): string => `- ${t.id} [${t.status}] ${t.title}${t.dependsOn.length ? ` (after ${t.dependsOn.join(', ')})` : ''}`

export async function runTodo(ctx: StepContext): Promise<TodoOutcome> {
  const { workspace, config, spec } = ctx
  checkLabel(spec)
  return withSpecLock(workspace, spec, async () => {
    const { head, file } = await committedSpec(workspace, spec)
    const state = await loadSpecState(workspace, spec)
    if (state.todoBlob === file.blob) return { kind: 'unchanged', commit: state.todoCommit ?? head }
    const existing = loadTasks(workspace, [spec])
    // Only the change when the last todo's commit is still known (a rewritten history means the whole spec again).
    const since = state.todoCommit && (await commitExists(workspace, state.todoCommit)) ? state.todoCommit : undefined
    const specDiff = since ? await fileDiff(workspace, since, head, specFile(spec)) : ''
    const prompt = renderTemplate(await loadTemplate(workspace, config.templatesDir, 'todo.md'), {
      spec,
      specFile: specFile(spec),
      specText: file.text.trim(),
      specDiff,
      sinceCommit: since?.slice(0, 12) ?? '',
      existingTasks: existing.map(taskLine).join('\n'),
      taskFormat: taskFormatText(spec, config.taskProfiles),
    })
    const step = await runStep({ ...ctx, step: 'todo', prompt })
    const headMoved = (await headCommit(workspace)) !== head
    if ('failure' in step) return { kind: 'refused', problem: step.failure, logPath: step.logPath, headMoved }
    // Read again: the session took a while, and `ralph add` may have numbered a task meanwhile.
    const planned = planTasks(step.proposal, { spec, existing: loadTasks(workspace, [spec]), allowedProfiles: config.taskProfiles, tasksDir: join(RALPH_DIR, spec) })
    if ('problem' in planned) return { kind: 'refused', problem: planned.problem, logPath: step.logPath, headMoved }
    await createTasks(workspace, spec, planned.tasks)
    try {
      await saveSpecState(workspace, spec, { ...state, baseCommit: state.baseCommit ?? head, todoCommit: head, todoBlob: file.blob })
    } catch (err) {
      await removeTasks(workspace, planned.tasks) // the state says what was read: tasks without it would be proposed again
      throw err
    }
    return { kind: 'added', added: planned.tasks, skipped: planned.skipped, ...(step.proposal.summary ? { summary: step.proposal.summary } : {}), ...(since ? { since } : {}), headMoved }
  })
}
