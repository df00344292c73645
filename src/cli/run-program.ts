// The edge of each bin: parse argv with a commander program and turn whatever it throws into an exit code.
import type { Command } from 'commander'
import { configureColor, endQuietlyOnClosedPipe, type GlobalOptions } from './output.js'
import { renderError } from './render-error.js'

/** The global flags every wrapix program (wrapix, setup-deploy-key, wrapix-builder) takes, with one meaning. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('--json', 'machine-readable output on stdout')
    .option('--verbose', 'explain each step (and show stack traces)')
    .option('-q, --quiet', 'print nothing but errors')
    .option('--no-input', 'never ask questions (fail, or print what would be done, instead)')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
}

/** `exitCode` is read after a successful parse (an action may have set it); errors are rendered once. */
export async function runProgram(program: Command, args: readonly string[], exitCode: () => number = () => 0): Promise<number> {
  endQuietlyOnClosedPipe()
  configureColor(args)
  try {
    await program.parseAsync(args, { from: 'user' })
    return exitCode()
  } catch (err) {
    const { json, verbose } = program.opts<GlobalOptions>()
    return renderError(err, { json, verbose })
  }
}
