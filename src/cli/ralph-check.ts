// `ralph check [--spec LABEL] [--push]` and the review half of `ralph run --check`: a reviewer session per
// spec whose queue is done; clean (and then maybe a push), fix-ups queued, or a fix-up parked at the cap.
import { runCheck, type CheckOutcome } from '../ralph/check.js'
import { assertPushable, pushBranch } from '../ralph/push.js'
import { loadRalphConfig } from '../ralph/ralph-config.js'
import type { Launcher } from '../ralph/run-attempt.js'
import { RUN_EXIT } from '../ralph/run-queue.js'
import { stepId } from '../ralph/run-step.js'
import { loadSpecState } from '../ralph/spec-state.js'
import { plainText } from '../ralph/signals.js'
import { listSpecs } from '../ralph/task-store.js'
import type { RalphConfig } from '../ralph/ralph-config.js'
import { note, printJson, warn, type GlobalOptions } from './output.js'
import type { RalphStepFlags } from './ralph-commands.js'
import { checkRalphRunOptions, sessionLauncher } from './ralph-launcher.js'
import { parseDurationMs, ralphProject } from './ralph-project.js'
import { chooseSpec, taskRow } from './ralph-todo.js'

/** Exit codes of `ralph check`: the queue's own, plus 13 when fix-ups were queued for `ralph run`. */
export const CHECK_EXIT = { clean: 0, refused: RUN_EXIT.failed, parked: RUN_EXIT.parked, notDone: RUN_EXIT.nothingReady, fixups: 13 } as const

/** Specs `run --check` reviews when none is named: every spec with tasks. */
export async function checkedSpecs(workspace: string): Promise<string[]> {
  return listSpecs(workspace)
}

export async function ralphCheck(flags: RalphStepFlags & { push?: boolean }, globals: GlobalOptions): Promise<number> {
  const { spec: specFlag, dir, timeout, push, ...raw } = flags
  checkRalphRunOptions(raw, 'check')
  const workspace = ralphProject(dir)
  const spec = chooseSpec(workspace, specFlag)
  if (push) await assertPushable(workspace) // before the review: its answer could not be pushed anyway
  const outcome = await runCheck({
    workspace,
    config: loadRalphConfig(workspace),
    launch: sessionLauncher(raw, globals),
    spec,
    ...(timeout ? { timeoutMs: parseDurationMs(timeout, '--timeout') } : {}),
  })
  if (globals.json) printJson(outcome)
  const code = reportCheck(spec, outcome, globals)
  if (code === CHECK_EXIT.clean && push) await pushAfterClean(workspace, [spec], globals)
  return code
}

async function pushAfterClean(workspace: string, specs: readonly string[], globals: GlobalOptions): Promise<void> {
  const states = await Promise.all(specs.map((spec) => loadSpecState(workspace, spec)))
  const { branch } = await pushBranch(workspace, states.flatMap((s) => (s.baseCommit ? [s.baseCommit] : [])))
  note(`pushed ${branch}`, globals)
}

export function reportCheck(spec: string, outcome: CheckOutcome, globals: GlobalOptions): number {
  const out = (line: string) => {
    if (!globals.json) process.stdout.write(`${line}\n`)
  }
  const summary = 'summary' in outcome && outcome.summary ? `\n${plainText(outcome.summary)}` : ''
  if ('headMoved' in outcome && outcome.headMoved) warn(`${spec}: the review session moved HEAD (it was asked to change nothing): review what it did with git log`, globals)
  switch (outcome.kind) {
    case 'not-done':
      warn(`${spec}: ${outcome.open.length} task${outcome.open.length === 1 ? ' is' : 's are'} not done yet (${outcome.open.map((t) => `${t.id} ${t.status}`).join(', ')}); the review waits for the whole queue (see: ralph status)`, globals)
      return CHECK_EXIT.notDone
    case 'refused':
      warn(`${spec}: the review's answer was refused: ${outcome.problem}; nothing was written (its stream: ralph logs ${stepId(spec, 'check')})`, globals)
      return CHECK_EXIT.refused
    case 'clean':
      out(`${spec}: clean: the work meets the spec (review round ${outcome.round})${summary}`)
      return CHECK_EXIT.clean
    case 'fixups': {
      const what = outcome.parked ? `parked for you (past the cap of review rounds): answer with ralph msg` : 'queued: ralph run'
      out([`${spec}: review round ${outcome.round} added ${outcome.added.length} fix-up task${outcome.added.length === 1 ? '' : 's'}, ${what}`, ...outcome.added.map(taskRow)].join('\n') + summary)
      return outcome.parked ? CHECK_EXIT.parked : CHECK_EXIT.fixups
    }
  }
}

export interface RunAndCheck {
  readonly workspace: string
  readonly config: RalphConfig
  readonly launch: Launcher
  readonly specs: readonly string[]
  readonly push: boolean
  readonly timeoutMs?: number
}

/** run → check → run …: until every spec is clean (then maybe push), a task is parked or failed, or a stop. */
export async function runAndCheck(req: RunAndCheck, runOnce: () => Promise<number>, stopping: () => boolean, globals: GlobalOptions): Promise<number> {
  // Each fix-up round counts against the cap, after which fix-ups are parked: this bound is never the real stop.
  const maxRounds = (req.config.maxIterations + 2) * Math.max(1, req.specs.length)
  for (let round = 0; round < maxRounds; round++) {
    const ran = await runOnce()
    if (ran !== RUN_EXIT.done) return ran
    let fixups = false
    for (const spec of req.specs) {
      if (stopping()) return RUN_EXIT.interrupted
      note(`${spec}: the queue is done; reviewing the work against specs/${spec}.md`, globals)
      const outcome = await runCheck({ workspace: req.workspace, config: req.config, launch: req.launch, spec, ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}) })
      const code = reportCheck(spec, outcome, globals)
      if (code === CHECK_EXIT.fixups) fixups = true
      else if (code !== CHECK_EXIT.clean) return code
    }
    if (!fixups) {
      if (req.push) await pushAfterClean(req.workspace, req.specs, globals)
      return RUN_EXIT.done
    }
    if (stopping()) return RUN_EXIT.interrupted
  }
  warn(`stopped after ${maxRounds} rounds of run and review`, globals)
  return RUN_EXIT.nothingReady
}
