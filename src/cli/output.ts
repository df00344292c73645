// Small rendering helpers shared by commands: JSON to stdout, notes and warnings to stderr.
import chalk from 'chalk'

export interface GlobalOptions {
  json?: boolean
  verbose?: boolean
  quiet?: boolean
  input?: boolean // --no-input sets this to false
}

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

export const warn = (message: string, opts: GlobalOptions = {}): void => {
  if (!opts.quiet) process.stderr.write(`${chalk.yellow('wrapix:')} ${message}\n`)
}

/** For what the user must not miss (a replaced .git): printed even with --quiet. */
export const alarm = (message: string): void => {
  process.stderr.write(`${chalk.red.bold('wrapix:')} ${chalk.red(message)}\n`)
}

export const note = (message: string, opts: GlobalOptions = {}): void => {
  if (!opts.quiet) process.stderr.write(`${chalk.dim(`wrapix: ${message}`)}\n`)
}

export const verbose = (message: string, opts: GlobalOptions = {}): void => {
  if (opts.verbose) process.stderr.write(`${chalk.dim(`wrapix: ${message}`)}\n`)
}
