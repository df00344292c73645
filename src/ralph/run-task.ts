// One task from start to its end state: attempts until a signal, retries with the failure summarised
// into the next prompt, then done, parked (blocked/clarify) or failed. Task state is written by the host.
import { dirname, join } from 'node:path'
import { mkdirNoFollow } from '../fs/no-symlinks.js'
import { modelFor, profileFor, RALPH_DIR, type RalphConfig } from './ralph-config.js'
import { loadTemplate, renderTemplate, RUN_TEMPLATE } from './prompt-template.js'
import { readProjectText } from './project-file.js'
import { runAttempt, type AttemptResult, type Launcher } from './run-attempt.js'
import { reloadTask, saveTask, specFile } from './task-store.js'
import type { Task } from './task-schema.js'

/** Claude Code, non-interactive: the prompt on stdin, every event as one JSON line. */
export const CLAUDE_BATCH_ARGS = ['-p', '--output-format', 'stream-json', '--verbose'] as const
export const NOTES_FILE = join(RALPH_DIR, 'notes.md')

export interface TaskRunContext {
  readonly workspace: string
  readonly config: RalphConfig
  readonly launch: Launcher
  /** Overrides the config's time limit (the --timeout flag). */
  readonly timeoutMs?: number
  /** The directory the sessions run in (default: the project). */
  readonly dir?: string
  readonly onAttempt?: (task: Task, result: AttemptResult) => void
  /** True once the runner is asked to stop: no further attempt starts. */
  readonly stopping?: () => boolean
}

/** A project file for the prompt, or '' when it is absent (never through a committed link). */
export const readOptional = async (workspace: string, rel: string): Promise<string> => ((await readProjectText(workspace, rel)) ?? '').trim()

export async function renderTaskPrompt(workspace: string, config: RalphConfig, task: Task): Promise<string> {
  const template = await loadTemplate(workspace, config.templatesDir, RUN_TEMPLATE)
  return renderTemplate(template, {
    spec: task.spec,
    taskId: task.id,
    title: task.title,
    description: task.description,
    specFile: specFile(task.spec),
    specText: await readOptional(workspace, specFile(task.spec)),
    notes: await readOptional(workspace, NOTES_FILE),
    answer: task.answer ?? '',
    previousFailure: task.lastFailure ?? '',
  })
}

const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-')

/** Runs a task (already locked by the caller) to its end state and returns it as saved. */
export async function runTask(ctx: TaskRunContext, start: Task): Promise<Task> {
  const { workspace, config } = ctx
  const model = modelFor(config, start.spec)
  const agentArgs = [...CLAUDE_BATCH_ARGS, ...(model ? ['--model', model] : [])]
  let task = start
  while (!ctx.stopping?.()) {
    task = { ...reloadTask(workspace, task), status: 'running' }
    task = { ...task, attempts: task.attempts + 1 }
    await saveTask(workspace, task)
    const logPath = join(workspace, RALPH_DIR, 'logs', task.id, `${String(task.attempts).padStart(2, '0')}-${stamp()}.jsonl`)
    await mkdirNoFollow(workspace, dirname(logPath))
    const result = await runAttempt({
      taskId: task.id,
      prompt: await renderTaskPrompt(workspace, config, task),
      agentArgs,
      profile: profileFor(config, task),
      dir: ctx.dir ?? workspace,
      logPath,
      timeoutMs: ctx.timeoutMs ?? config.timeoutMinutes * 60_000,
      graceMs: config.watchdogGraceSeconds * 1000,
      launch: ctx.launch,
    })
    ctx.onAttempt?.(task, result)
    task = { ...reloadTask(workspace, task), sessions: [...task.sessions, ...(result.sessionId ? [result.sessionId] : [])] }
    task = settle(task, result, config.maxRetries, ctx.stopping?.() ?? false)
    await saveTask(workspace, task)
    if (task.status !== 'todo' || ctx.stopping?.()) return task
  }
  return task
}

/** The task after an attempt: pure, so every branch is unit-tested. */
export function settle(task: Task, result: AttemptResult, maxRetries: number, interrupted: boolean): Task {
  const { outcome } = result
  const { note: _note, lastFailure: _failure, ...rest } = task
  if ('signal' in outcome) {
    const { signal } = outcome
    if (signal.kind === 'complete') return { ...rest, status: 'done' }
    if (signal.kind === 'blocked') return { ...rest, status: 'blocked', note: signal.reason }
    const { answer: _answer, ...unanswered } = rest
    return { ...unanswered, status: 'clarify', note: signal.question }
  }
  if (interrupted) return { ...rest, status: 'todo', note: `attempt ${task.attempts} was interrupted: ${outcome.failure}` }
  const failure = `attempt ${task.attempts}: ${outcome.failure}`
  if (task.attempts > maxRetries) return { ...rest, status: 'failed', lastFailure: failure, note: `failed after ${task.attempts} attempts` }
  return { ...rest, status: 'todo', lastFailure: failure }
}
