// `ralph run`: parse flags, hand each task to the same launcher `wrapix run` uses, and report progress;
// with --check, review each spec once its queue is done and run the fix-ups, until clean, parked or capped.
import chalk from 'chalk'
import { WrapixError } from '../errors.js'
import { loadRalphConfig } from '../ralph/ralph-config.js'
import { runQueue, RUN_EXIT } from '../ralph/run-queue.js'
import type { Task } from '../ralph/task-schema.js'
import { note, warn, type GlobalOptions } from './output.js'
import { assertPushable } from '../ralph/push.js'
import { checkedSpecs, runAndCheck } from './ralph-check.js'
import type { RalphRunFlags } from './ralph-commands.js'
import { checkRalphRunOptions, sessionLauncher } from './ralph-launcher.js'
import { parseDurationMs, ralphProject } from './ralph-project.js'

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

export async function ralphRun(flags: RalphRunFlags, globals: GlobalOptions): Promise<number> {
  const { spec, once, task: taskId, timeout, stopOnFailure, parallel: rawParallel, dir, check, push, ...raw } = flags
  checkRalphRunOptions(raw, 'run')
  if (check && (once || taskId)) throw new WrapixError('usage', `--check reviews a whole queue; it does not go with ${once ? '--once' : '--task'}`, 'drop one of them')
  if (push && !check) throw new WrapixError('usage', '--push pushes after a clean review', 'add --check, or review and push with: ralph check --push')
  const workspace = ralphProject(dir)
  const config = loadRalphConfig(workspace)
  const timeoutMs = timeout ? parseDurationMs(timeout, '--timeout') : undefined
  const parallel = rawParallel === undefined ? config.parallel : Number(rawParallel)
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) throw new WrapixError('usage', `--parallel ${rawParallel} is not valid`, 'use a whole number from 1 to 16')

  // Every attempt is a normal wrapix session: the same preparation, policy, record and sandbox as `wrapix run`.
  const launch = sessionLauncher(raw, globals)

  let stopping = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) note(`${signal}: stopping after the current session; its task goes back into the queue`, globals)
    stopping = true
  }
  const runOnce = async (): Promise<number> => {
    const result = await runQueue({
      workspace,
      config,
      launch,
      ...(spec ? { specs: spec } : {}),
      ...(taskId ? { taskId } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      once: Boolean(once),
      parallel,
      stopOnFailure: Boolean(stopOnFailure),
      stopping: () => stopping,
      onRecovered: (tasks) => tasks.forEach((t) => note(`${t.id}: re-queued (${t.note})`, globals)),
      onTask: (event, t) => (event === 'start' ? note(`${t.id}: ${t.title} (attempt ${t.attempts + 1})`, globals) : report(t, globals)),
      onAttempt: (t, r) => {
        if ('failure' in r.outcome) warn(`${t.id}: attempt ${t.attempts} failed: ${r.outcome.failure}`, globals)
      },
    })
    if (result.exitCode === RUN_EXIT.nothingReady && !globals.quiet) note('nothing ready to run (see: ralph status)', globals)
    return result.exitCode
  }
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal)
  try {
    if (!check) return await runOnce()
    const specs = spec ?? (await checkedSpecs(workspace))
    if (push) await assertPushable(workspace)
    return await runAndCheck({ workspace, config, launch, specs, push: Boolean(push), ...(timeoutMs ? { timeoutMs } : {}) }, runOnce, () => stopping, globals)
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal)
  }
}

function report(task: Task, globals: GlobalOptions): void {
  if (globals.quiet) return
  const colour = task.status === 'done' ? chalk.green : task.status === 'failed' ? chalk.red : chalk.yellow
  process.stderr.write(`${colour(`ralph: ${task.id}: ${task.status}`)}${task.note ? `: ${task.note}` : ''}\n`)
}
