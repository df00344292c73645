// Small rendering helpers shared by commands: JSON to stdout, notes and warnings to stderr, colour and spinners.
import { closeSync, openSync } from 'node:fs'
import { isatty } from 'node:tty'
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

/**
 * A reader that closed our stdout (`wrapix doctor | head -1`) ends the program quietly, not with an EPIPE trace.
 * A terminal that went away (EIO) is the same. While a session holds (see holdClosedTerminal), such errors
 * are only noted: its teardown and record matter more than the lines nobody can read any more.
 */
let pipeGuarded = false
let sessionsHolding = 0
const startedOnTty = new Map<number, boolean>()
export function endQuietlyOnClosedPipe(): void {
  if (pipeGuarded) return
  pipeGuarded = true
  for (const fd of [0, 1, 2]) startedOnTty.set(fd, isatty(fd))
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'EIO') throw err
      if (sessionsHolding === 0) process.exit(process.exitCode ?? 0)
    })
  }
}

/** While held, a closed pipe or terminal does not end wrapix; returns the release (safe to call twice). */
export function holdClosedTerminal(): () => void {
  sessionsHolding++
  let released = false
  return () => {
    if (!released) sessionsHolding--
    released = true
  }
}

/**
 * Node (20) restores the terminal's modes at exit and aborts when that fails, as it does on a terminal that
 * hung up (EIO). A standard descriptor that was a terminal at start and no longer is gets /dev/null instead,
 * which Node then leaves alone. Call last, when nothing more is written.
 */
export function releaseHungUpTerminal(): void {
  for (const [fd, wasTty] of startedOnTty) {
    if (!wasTty || isatty(fd)) continue
    try {
      closeSync(fd)
      const reopened = openSync('/dev/null', 'r+')
      if (reopened !== fd) closeSync(reopened) // a closed descriptor is also left alone
    } catch {
      // nothing more can be done for a terminal that is gone
    }
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
