// The `ralph` commands (also `wrapix ralph …`): commander wiring only; each action lives in its own module.
import { Option, type Command } from 'commander'
import type { GlobalOptions } from './output.js'
import { addRunOptions, type RunCommandOptions } from './run-options.js'

export interface RalphRunFlags extends RunCommandOptions {
  spec?: string[]
  once?: boolean
  task?: string
  timeout?: string
  stopOnFailure?: boolean
  parallel?: string
  dir?: string
  check?: boolean
  push?: boolean
}

/** `ralph todo` and `ralph check`: one agent step for one spec. */
export interface RalphStepFlags extends RunCommandOptions {
  spec?: string
  timeout?: string
  dir?: string
}

export interface RalphPlanFlags extends RunCommandOptions {
  new?: string
  update?: string
  dir?: string
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]
const dirOption = (): Option => new Option('-C, --dir <dir>', 'project directory (default: the current directory)')

export function registerRalphCommands(ralph: Command): Command {
  ralph
    .command('init')
    .description('create specs/, ralph\'s config and the prompt templates (plan, todo, run, check); keeps what exists')
    .option('--json', 'print what was created as JSON')
    .addOption(dirOption())
    .action(async (_opts: unknown, cmd: Command) => {
      const { ralphInit } = await import('./ralph-init.js')
      await ralphInit(cmd.optsWithGlobals())
    })

  addRunOptions(
    ralph
      .command('plan')
      .description('an interactive agent session that interviews you and writes specs/LABEL.md')
      .option('-n, --new <label>', 'write a new spec')
      .option('-u, --update <label>', 'update an existing spec')
      .addOption(dirOption()),
    { agent: true },
  ).action(async (flags: RalphPlanFlags, cmd: Command) => {
    const { ralphPlan } = await import('./ralph-plan.js')
    process.exitCode = await ralphPlan(flags, cmd.optsWithGlobals<GlobalOptions>())
  })

  addRunOptions(
    ralph
      .command('todo')
      .description('the agent turns the spec (or what changed in it since the last todo) into tasks; ralph validates and writes them')
      .option('--spec <label>', 'the spec (default: the only one in specs/)')
      .option('--timeout <duration>', 'time limit for the session: 90s, 30m, 1h (default: config, 30m)')
      .option('--json', 'print the outcome as JSON')
      .addOption(dirOption()),
    { agent: true },
  ).action(async (flags: RalphStepFlags, cmd: Command) => {
    const { ralphTodo } = await import('./ralph-todo.js')
    process.exitCode = await ralphTodo(flags, cmd.optsWithGlobals<GlobalOptions>())
  })

  addRunOptions(
    ralph
      .command('check')
      .description("a reviewer session compares the spec's work with the spec: clean, or fix-up tasks (parked past the cap)")
      .option('--spec <label>', 'the spec (default: the only one in specs/)')
      .option('--push', 'when clean, push the current branch (refused on a detached HEAD)')
      .option('--timeout <duration>', 'time limit for the session: 90s, 30m, 1h (default: config, 30m)')
      .option('--json', 'print the outcome as JSON')
      .addOption(dirOption()),
    { agent: true },
  ).action(async (flags: RalphStepFlags & { push?: boolean }, cmd: Command) => {
    const { ralphCheck } = await import('./ralph-check.js')
    process.exitCode = await ralphCheck(flags, cmd.optsWithGlobals<GlobalOptions>())
  })

  addRunOptions(
    ralph
      .command('run')
      .description('run the ready tasks, each as one wrapix session in a fresh sandbox, until done, parked or failed')
      .option('--spec <label>', 'only tasks of this spec (repeatable)', collect)
      .option('--once', 'run one task, then stop')
      .option('--task <id>', 'run this task only (it must be ready)')
      .option('--timeout <duration>', 'time limit per attempt: 90s, 30m, 1h (default: config, 30m)')
      .option('--stop-on-failure', 'stop when a task fails instead of moving on')
      .option('--parallel <n>', 'tasks at once, each in its own clone on branch ralph/<spec>/<task> (default: config, 1)')
      .option('--check', 'when a queue is done, review it (ralph check) and run the fix-ups, until clean, parked or capped')
      .option('--push', 'with --check: push the current branch once every spec is clean')
      .addOption(dirOption()),
    { agent: true },
  ).action(async (flags: RalphRunFlags, cmd: Command) => {
    const { ralphRun } = await import('./ralph-run.js')
    process.exitCode = await ralphRun(flags, cmd.optsWithGlobals<GlobalOptions>())
  })

  ralph
    .command('status')
    .description('per spec: done, running, ready, parked, failed; per task: attempts, time, tokens, cost')
    .option('--json', 'print JSON')
    .option('--watch', 'redraw every 2 seconds until interrupted')
    .addOption(dirOption())
    .action(async (_opts: unknown, cmd: Command) => {
      const { ralphStatus } = await import('./ralph-status.js')
      await ralphStatus(cmd.optsWithGlobals())
    })

  ralph
    .command('logs')
    .description("a task's agent stream, readable, from its first error (default: the newest attempt of any task)")
    .argument('[task]', 'task id')
    .option('--all', 'show the whole stream, not only from the first error')
    .addOption(dirOption())
    .action(async (task: string | undefined, _opts: unknown, cmd: Command) => {
      const { ralphLogs } = await import('./ralph-logs.js')
      await ralphLogs(task ?? null, cmd.optsWithGlobals())
    })

  ralph
    .command('msg')
    .description("list the agent's open questions, or answer one (the task becomes ready again)")
    .argument('[task]', 'task id')
    .option('--answer <text>', 'your answer, or the number of an option the agent offered')
    .option('--json', 'print JSON')
    .addOption(dirOption())
    .action(async (task: string | undefined, _opts: unknown, cmd: Command) => {
      const { ralphMsg } = await import('./ralph-msg.js')
      await ralphMsg(task ?? null, cmd.optsWithGlobals())
    })

  ralph
    .command('add')
    .description('create a task file for a spec')
    .argument('<title>', 'one-line title')
    .requiredOption('--spec <label>', 'spec label, e.g. auth')
    .option('-d, --description <text>', 'what to do (default: the title)')
    .option('--priority <n>', '0 (most urgent) to 4 (default 2)')
    .option('--depends-on <id>', 'a task that must be done first (repeatable)', collect)
    .option('--profile <name>', 'wrapix profile for this task')
    .option('--json', 'print the new task as JSON')
    .addOption(dirOption())
    .action(async (title: string, _opts: unknown, cmd: Command) => {
      const { ralphAdd } = await import('./ralph-msg.js')
      await ralphAdd(title, cmd.optsWithGlobals())
    })
  return ralph
}
