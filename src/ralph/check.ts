// `ralph check`: once a spec's queue is done, a reviewer session compares the work since the spec's base
// commit with the spec and answers clean, or proposes fix-up tasks the same structured way as todo. After
// `maxIterations` rounds with fix-ups, new fix-ups are parked with a question for the human.
import { join } from 'node:path'
import { WrapixError } from '../errors.js'
import { loadTemplate, renderTemplate } from './prompt-template.js'
import { RALPH_DIR } from './ralph-config.js'
import { runStep } from './run-step.js'
import { commitExists, committedFile, headCommit, workSince } from './spec-git.js'
import { loadSpecState, saveSpecState } from './spec-state.js'
import { planTasks, taskFormatText } from './task-proposal.js'
import type { Task } from './task-schema.js'
import { createTasks, loadTasks, removeTasks, specFile } from './task-store.js'
import { checkLabel, taskLine, withSpecLock, type StepContext } from './todo.js'

export type CheckOutcome =
  | { readonly kind: 'not-done'; readonly open: readonly Task[] }
  | { readonly kind: 'clean'; readonly round: number; readonly summary?: string; readonly headMoved: boolean }
  | { readonly kind: 'fixups'; readonly round: number; readonly added: readonly Task[]; readonly parked: boolean; readonly summary?: string; readonly headMoved: boolean }
  | { readonly kind: 'refused'; readonly problem: string; readonly logPath: string; readonly headMoved: boolean }

export function parkNote(round: number, cap: number): string {
  return [
    `review round ${round} still found work to do, past the cap of ${cap} round${cap === 1 ? '' : 's'} (maxIterations): should ralph do this fix-up?`,
    '### Option 1 — yes, do it',
    '### Option 2 — no: the work is good enough; finish without changes',
  ].join('\n')
}

export async function runCheck(ctx: StepContext): Promise<CheckOutcome> {
  const { workspace, config, spec } = ctx
  checkLabel(spec)
  return withSpecLock(workspace, spec, async () => {
    const tasks = loadTasks(workspace, [spec])
    if (tasks.length === 0) throw new WrapixError('usage', `spec ${spec} has no tasks`, `make them with: ralph todo --spec ${spec}`)
    const open = tasks.filter((t) => t.status !== 'done')
    if (open.length > 0) return { kind: 'not-done', open }
    const state = await loadSpecState(workspace, spec)
    if (!state.baseCommit || !(await commitExists(workspace, state.baseCommit))) {
      throw new WrapixError('usage', `spec ${spec} has no base commit to review from (its first ralph todo records it)`, `run: ralph todo --spec ${spec}`)
    }
    const head = await headCommit(workspace)
    const spec_ = head ? await committedFile(workspace, head, specFile(spec)) : null
    if (!spec_) throw new WrapixError('usage', `there is no committed spec ${specFile(spec)} to review against`, `commit it: git add ${specFile(spec)} && git commit`)
    const work = await workSince(workspace, state.baseCommit)
    const round = state.checkRounds + 1
    const prompt = renderTemplate(await loadTemplate(workspace, config.templatesDir, 'check.md'), {
      spec,
      specFile: specFile(spec),
      specText: spec_.text.trim(),
      doneTasks: tasks.map(taskLine).join('\n'),
      baseCommit: state.baseCommit.slice(0, 12),
      diffStat: work.stat,
      diff: work.diff,
      iteration: String(round),
      maxIterations: String(config.maxIterations),
      taskFormat: taskFormatText(spec, config.taskProfiles),
    })
    const step = await runStep({ ...ctx, step: 'check', prompt })
    // A reviewer that commits changed the work it reviewed: a clean answer would not cover that change.
    const headMoved = (await headCommit(workspace)) !== head
    if ('failure' in step) return { kind: 'refused', problem: step.failure, logPath: step.logPath, headMoved }
    const summary = step.proposal.summary ? { summary: step.proposal.summary } : {}
    if (step.proposal.tasks.length === 0 && headMoved) return { kind: 'refused', problem: 'the reviewer committed changes, so its "clean" does not cover them', logPath: step.logPath, headMoved }
    if (step.proposal.tasks.length === 0) return { kind: 'clean', round, ...summary, headMoved }
    const parked = state.checkRounds >= config.maxIterations
    const planned = planTasks(step.proposal, {
      spec,
      existing: loadTasks(workspace, [spec]), // read again: `ralph add` may have numbered a task meanwhile
      allowedProfiles: config.taskProfiles,
      tasksDir: join(RALPH_DIR, spec),
      ...(parked ? { park: { status: 'clarify' as const, note: parkNote(round, config.maxIterations) } } : {}),
    })
    if ('problem' in planned) return { kind: 'refused', problem: planned.problem, logPath: step.logPath, headMoved }
    // Every proposed fix-up repeats a done task: nothing new to run, so the round does not count as clean.
    if (planned.tasks.length === 0) return { kind: 'refused', problem: `every proposed fix-up repeats a done task (${planned.skipped.map((s) => s.id).join(', ')})`, logPath: step.logPath, headMoved }
    await createTasks(workspace, spec, planned.tasks)
    try {
      await saveSpecState(workspace, spec, { ...state, checkRounds: round })
    } catch (err) {
      await removeTasks(workspace, planned.tasks)
      throw err
    }
    return { kind: 'fixups', round, added: planned.tasks, parked, ...summary, headMoved }
  })
}
