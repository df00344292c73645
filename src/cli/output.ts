// Small rendering helpers shared by commands: JSON to stdout, notes and warnings to stderr, colour and spinners.
import chalk, { chalkStderr } from 'chalk'

export interface GlobalOptions {
  json?: boolean
  verbose?: boolean
  quiet?: boolean
  input?: boolean // --no-input sets this to false
  color?: boolean // --no-color sets this to false
}

/** NO_COLOR (https://no-color.org, any non-empty value) or --no-color turn colour off on both streams. */
export function configureColor(args: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const before = args.includes('--') ? args.slice(0, args.indexOf('--')) : args
  if ((env.NO_COLOR !== undefined && env.NO_COLOR !== '') || before.includes('--no-color')) {
    chalk.level = 0
    chalkStderr.level = 0
  }
}

/** A reader that closed our stdout (`wrapix doctor | head -1`) ends the program quietly, not with an EPIPE trace. */
let pipeGuarded = false
export function endQuietlyOnClosedPipe(): void {
  if (pipeGuarded) return
  pipeGuarded = true
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
      throw err
    })
  }
}

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

export const warn = (message: string, opts: GlobalOptions = {}): void => {
  if (!opts.quiet) process.stderr.write(`${chalkStderr.yellow('wrapix:')} ${message}\n`)
}

/** For what the user must not miss (a replaced .git): printed even with --quiet. */
export const alarm = (message: string): void => {
  process.stderr.write(`${chalk.red.bold('wrapix:')} ${chalk.red(message)}\n`)
}

export const note = (message: string, opts: GlobalOptions = {}): void => {
  if (!opts.quiet) process.stderr.write(`${chalkStderr.dim(`wrapix: ${message}`)}\n`)
}

export const verbose = (message: string, opts: GlobalOptions = {}): void => {
  if (opts.verbose) process.stderr.write(`${chalkStderr.dim(`wrapix: ${message}`)}\n`)
}

/** The few calls commands make on a progress indicator. */
export interface Progress {
  update(text: string): void
  succeed(text: string): void
  fail(text: string): void
  stop(): void
}

/**
 * An ora spinner only on a terminal stderr with colour allowed; otherwise one plain line per outcome
 * (no escape codes in logs), and nothing at all with -q or --json.
 */
export async function startProgress(text: string, opts: GlobalOptions, lazy = false): Promise<Progress> {
  if (opts.quiet || opts.json) return { update: () => {}, succeed: () => {}, fail: () => {}, stop: () => {} }
  if (!process.stderr.isTTY || chalkStderr.level === 0) {
    let said = false
    const once = (t: string): void => {
      if (!said) note(`${t} …`, opts)
      said = true
    }
    return { update: once, succeed: (t) => note(t, opts), fail: (t) => note(`failed: ${t}`, opts), stop: () => {} }
  }
  const { default: ora } = await import('ora')
  const spinner = ora({ text, stream: process.stderr })
  let started = !lazy
  if (started) spinner.start()
  return {
    update: (t) => {
      spinner.text = t
      if (!started) spinner.start()
      started = true
    },
    succeed: (t) => void spinner.succeed(t),
    fail: (t) => void (started ? spinner.fail(t) : spinner.stop()),
    stop: () => void spinner.stop(),
  }
}
