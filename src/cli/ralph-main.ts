// The `ralph` program: the same commands as `wrapix ralph`, on their own.
import { Command } from 'commander'
import { registerRalphCommands } from './ralph-commands.js'
import { runProgram } from './run-program.js'
import { VERSION } from './version.js'

export async function main(args: readonly string[]): Promise<number> {
  const program = new Command('ralph')
    .description('batch runs: a queue of tasks, each done by the agent in its own fresh wrapix sandbox')
    .version(VERSION, '-V, --version')
    .option('--verbose', 'explain each step (and show stack traces)')
    .option('-q, --quiet', 'print nothing but errors')
    .exitOverride()
    .configureOutput({ outputError: () => {} }) // renderError prints commander's errors as one line
    .configureHelp({ showGlobalOptions: true })
  registerRalphCommands(program)
  return runProgram(program, args, () => Number(process.exitCode ?? 0))
}
