// `ralph todo [--spec LABEL]`: the agent proposes tasks from the spec (or its change since the last todo);
// the host validates and writes them, and this shows what was added.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { WrapixError } from '../errors.js'
import { loadRalphConfig } from '../ralph/ralph-config.js'
import { stepId } from '../ralph/run-step.js'
import { plainText } from '../ralph/signals.js'
import { SpecLabelSchema, type Task } from '../ralph/task-schema.js'
import { runTodo } from '../ralph/todo.js'
import { RUN_EXIT } from '../ralph/run-queue.js'
import { note, printJson, warn, type GlobalOptions } from './output.js'
import type { RalphStepFlags } from './ralph-commands.js'
import { checkRalphRunOptions, sessionLauncher } from './ralph-launcher.js'
import { parseDurationMs, ralphProject } from './ralph-project.js'

/** The spec a command works on: --spec, else the project's only spec. */
export function chooseSpec(workspace: string, flag: string | undefined): string {
  if (flag) return flag
  let names: string[] = []
  try {
    names = readdirSync(join(workspace, 'specs')).filter((n) => n.endsWith('.md')).map((n) => n.slice(0, -3))
  } catch {
    // no specs folder: the error below says what to do
  }
  const labels = names.filter((n) => SpecLabelSchema.safeParse(n).success).sort()
  if (labels.length === 1) return labels[0]!
  if (labels.length === 0) throw new WrapixError('usage', 'the project has no spec in specs/', 'write one with: ralph plan -n LABEL')
  throw new WrapixError('usage', `the project has ${labels.length} specs (${labels.join(', ')})`, 'name one with --spec LABEL')
}

export const taskRow = (t: Task): string =>
  `  ${t.id}  P${t.priority}  ${t.title}${t.dependsOn.length ? `  (after ${t.dependsOn.join(', ')})` : ''}${t.profile ? `  [profile ${t.profile}]` : ''}`

export async function ralphTodo(flags: RalphStepFlags, globals: GlobalOptions): Promise<number> {
  const { spec: specFlag, dir, timeout, ...raw } = flags
  checkRalphRunOptions(raw, 'todo')
  const workspace = ralphProject(dir)
  const spec = chooseSpec(workspace, specFlag)
  const config = loadRalphConfig(workspace)
  const outcome = await runTodo({
    workspace,
    config,
    launch: sessionLauncher(raw, globals),
    spec,
    ...(timeout ? { timeoutMs: parseDurationMs(timeout, '--timeout') } : {}),
  })
  if (globals.json) printJson(outcome)
  if (outcome.kind !== 'unchanged' && outcome.headMoved) warn(`the todo session moved HEAD (it was asked to change nothing): review what it did with git log`, globals)
  if (outcome.kind === 'refused') {
    warn(`${spec}: the agent's tasks were refused: ${outcome.problem}; nothing was written (its stream: ralph logs ${stepId(spec, 'todo')})`, globals)
    return RUN_EXIT.failed
  }
  if (globals.json) return 0
  if (outcome.kind === 'unchanged') {
    process.stdout.write(`specs/${spec}.md has not changed since the last todo (commit ${outcome.commit.slice(0, 12)}): nothing to add\n`)
    return 0
  }
  const from = outcome.since ? `the change to specs/${spec}.md since ${outcome.since.slice(0, 12)}` : `specs/${spec}.md`
  const lines = [`${spec}: ${outcome.added.length} task${outcome.added.length === 1 ? '' : 's'} added from ${from}`, ...outcome.added.map(taskRow)]
  for (const s of outcome.skipped) lines.push(`  (already queued as ${s.id}: ${s.title})`)
  if (outcome.summary) lines.push('', plainText(outcome.summary))
  process.stdout.write(`${lines.join('\n')}\n`)
  if (outcome.added.length > 0) note(`next: review the task files (git diff), commit them, then: ralph run --spec ${spec}`, globals)
  return 0
}
