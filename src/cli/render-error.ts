// The only place errors are printed: one line and a hint (or JSON with --json); stack traces only with --verbose.
import { chalkStderr } from 'chalk'
import { CommanderError } from 'commander'
import { WrapixError } from '../errors.js'
import { redactSecretShapes, type Redact } from '../session/redact.js'

export interface RenderOptions {
  readonly json?: boolean
  readonly verbose?: boolean
  readonly redact?: Redact
  readonly stdout?: NodeJS.WritableStream
  readonly stderr?: NodeJS.WritableStream
}

export function renderError(err: unknown, opts: RenderOptions = {}): number {
  const stdout = opts.stdout ?? process.stdout
  const stderr = opts.stderr ?? process.stderr
  const redact = opts.redact ?? redactSecretShapes
  if (err instanceof CommanderError && (err.exitCode === 0 || HELP_CODES.has(err.code))) {
    // commander printed help (or the version) itself; --help and --version end here with code 0.
    return err.exitCode === 0 ? 0 : 2
  }
  const e =
    err instanceof WrapixError
      ? err
      : err instanceof CommanderError
        ? usageError(err)
        : new WrapixError('internal', err instanceof Error ? err.message : String(err), 'rerun with --verbose and report it', { cause: err })
  const message = redact(e.message)
  const hint = e.hint ? redact(e.hint) : undefined
  if (opts.json) {
    stdout.write(`${JSON.stringify({ ok: false, kind: e.kind, exitCode: e.exitCode, message, ...(hint ? { hint } : {}) })}\n`)
  } else {
    stderr.write(`${chalkStderr.red('wrapix:')} ${message}\n${hint ? chalkStderr.dim(`hint: ${hint}\n`) : ''}`)
  }
  if (opts.verbose) {
    const cause = e.kind === 'internal' && e.cause instanceof Error ? e.cause : e
    stderr.write(`${redact(cause.stack ?? String(cause))}\n`)
  }
  return e.exitCode
}

const HELP_CODES = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version'])

/** commander's "error: unknown option '--x'\n(Did you mean --y?)" as one usage line. */
function usageError(err: CommanderError): WrapixError {
  const message = err.message.replace(/^error: /, '').split('\n').map((line) => line.trim()).filter(Boolean).join(' ')
  return new WrapixError('usage', message, 'add --help to the command to see its options')
}
