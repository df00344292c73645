// The wrapix program: commander wiring only. Each command's work lives in its own module, loaded on use.
import { Command, Option } from 'commander'
import { WrapixError } from '../errors.js'
import { configureColor, endQuietlyOnClosedPipe, releaseHungUpTerminal, type GlobalOptions } from './output.js'
import { closestName, projectDir } from './project-dir.js'
import { renderError } from './render-error.js'
import { addGlobalOptions } from './run-program.js'
import { addRunOptions, type RunCommandOptions } from './run-options.js'
import { VERSION } from './version.js'

/** Everything after the first `--` is the sandboxed command, kept verbatim (commander would mix it with DIR). */
export function splitCommand(args: readonly string[]): { head: string[]; command: string[] | null } {
  const index = args.indexOf('--')
  return index === -1 ? { head: [...args], command: null } : { head: args.slice(0, index), command: args.slice(index + 1) }
}

/** The exit codes every command uses; shown by --help and in the README. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    success (a run exits with the agent's or command's own code)
  2    usage: a flag, argument or value on the command line is wrong
  3    config: a config or profile file is wrong
  4    host: something this machine lacks (podman, a runtime, KVM …)
  5    policy: refused by the sandbox or network policy
  124  timeout
  125  internal error in wrapix (rerun with --verbose and report it)
  130  interrupted (Ctrl-C)`

export async function main(args: readonly string[]): Promise<number> {
  endQuietlyOnClosedPipe()
  configureColor(args)
  const { head, command } = splitCommand(args)
  let exitCode = 0
  let ranSandbox = false
  const program = addGlobalOptions(new Command('wrapix')
    .description('Run AI coding agents in a sandbox: the project at /workspace, nothing else of the host, an allowlist network')
    .version(VERSION, '-V, --version'))
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    // commander's own error line is rendered by renderError (one "wrapix:" line, or JSON with --json).
    .configureOutput({ outputError: () => {} })
    .showSuggestionAfterError()
    .configureHelp({ showGlobalOptions: true })

  // `wrapix logs` must not start a session in ./logs: an unknown bare word is a mistyped command, unless
  // a directory of that name exists (or `run`/`shell` was named, where the word can only be DIR).
  const explicitRun = head[0] === 'run' || head[0] === 'shell'
  const unknownCommand = (word: string): WrapixError => {
    const names = [...new Set([...program.commands.map((c) => c.name()), ...Object.keys(AREAS)])]
    const guess = closestName(word, names)
    return new WrapixError(
      'usage',
      `unknown command "${word}"${guess ? `, did you mean "${guess}"?` : ''}`,
      `commands: ${names.join(', ')}; to run in a directory named ${word}, create it or write ./${word}`,
    )
  }
  const runAction = (shell: boolean) => async (dir: string | undefined, raw: RunCommandOptions, cmd: Command) => {
    ranSandbox = true
    projectDir(dir ?? null, explicitRun ? undefined : unknownCommand)
    const globals = cmd.optsWithGlobals<GlobalOptions>()
    const { runCommand } = await import('./run-action.js')
    exitCode = await runCommand({ dir: dir ?? null, raw, command, shell, globals })
  }
  addRunOptions(
    program
      .command('run [dir]', { isDefault: true })
      .description('start the agent (or the command after --) in a sandbox for DIR (default: the current directory)')
      .usage('[DIR] [options] [-- COMMAND ARGS…]'),
    { agent: true },
  ).action(runAction(false))
  addRunOptions(program.command('shell [dir]').description('open bash in a sandbox for DIR'), { agent: false }).action(runAction(true))

  program
    .command('config')
    .description('show the resolved configuration and where each value came from')
    .option('--explain', 'describe every setting a config file can hold')
    .addOption(new Option('--profile <name>', 'profile to resolve'))
    .argument('[dir]', 'project directory')
    .action(async (dir: string | undefined, opts: { explain?: boolean; profile?: string }, cmd: Command) => {
      if (!opts.explain) projectDir(dir ?? null)
      const { configCommand } = await import('./config-command.js')
      exitCode = await configCommand({ dir: dir ?? null, ...opts, globals: cmd.optsWithGlobals<GlobalOptions>() })
    })

  const profile = program.command('profile').description('list and show profiles')
  profile
    .command('ls')
    .description('list the profiles you can use')
    .action(async (_opts: unknown, cmd: Command) => {
      const { profileList } = await import('./profile-command.js')
      exitCode = await profileList(cmd.optsWithGlobals<GlobalOptions>())
    })
  profile
    .command('show <name>')
    .description('show a profile with its extends: chain merged')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const { profileShow } = await import('./profile-command.js')
      exitCode = await profileShow(name, cmd.optsWithGlobals<GlobalOptions>())
    })

  program
    .command('doctor')
    .description('report what this host supports (podman, runtimes, KVM, cgroups) and how to fix what is missing')
    .action(async (_opts: unknown, cmd: Command) => {
      const { doctorCommand } = await import('./doctor-command.js')
      exitCode = await doctorCommand(cmd.optsWithGlobals<GlobalOptions>())
    })

  program
    .command('completion')
    .description('print a shell completion script: eval "$(wrapix completion bash)" (or zsh, fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string) => {
      const { completionScript } = await import('./completion.js')
      process.stdout.write(completionScript(shell))
    })

  await registerAreaCommands(program, head)
  if (args[0] === COMPLETE) {
    // Called by the completion scripts with the words typed so far (the last one possibly empty).
    const { completeWords } = await import('./completion.js')
    process.stdout.write(completeWords(program, args.slice(1)).map((w) => `${w}\n`).join(''))
    return 0
  }
  // Checked before any action runs, so `wrapix config -- ls` does nothing but say why.
  program.hook('preAction', (_program, action) => {
    if (command && action.name() !== 'run' && action.name() !== 'shell') {
      throw new WrapixError('usage', '"--" and a command only go with run or shell', 'e.g. wrapix run -- make test')
    }
  })

  const globals = (): GlobalOptions => program.opts<GlobalOptions>()
  try {
    await program.parseAsync(head, { from: 'user' })
    if (command && !ranSandbox) throw new WrapixError('usage', '"--" and a command only go with run or shell', 'e.g. wrapix run -- make test')
    return exitCode
  } catch (err) {
    exitCode = renderError(err, { json: globals().json, verbose: globals().verbose })
    return exitCode
  } finally {
    if (ranSandbox) releaseHungUpTerminal() // a closed terminal must not make Node abort at exit
  }
}

type Register = (program: Command) => void

const COMPLETE = '__complete'

/** Commands owned by other areas (images, network policy, logs, keys): loaded only when named, or for help. */
const AREAS: Record<string, () => Promise<Register>> = {
  image: () => import('./image.js').then((m) => m.registerImageCommands),
  policy: () => import('./policy.js').then((m) => m.registerPolicyCommands),
  log: () => import('./log.js').then((m) => m.registerLogCommands),
  keys: () => import('./keys.js').then((m) => m.registerKeysCommands),
  ralph: () =>
    import('./ralph-commands.js').then((m) => (program: Command) => {
      m.registerRalphCommands(program.command('ralph').description('batch runs: a queue of tasks, each in its own fresh sandbox'))
    }),
}

async function registerAreaCommands(program: Command, head: readonly string[]): Promise<void> {
  const first = head.find((arg) => !arg.startsWith('-'))
  const wantsHelp = first === 'help' || first === COMPLETE || head.includes('--help') || head.includes('-h')
  const names = first && first in AREAS ? [first] : wantsHelp ? Object.keys(AREAS) : []
  for (const register of await Promise.all(names.map((name) => AREAS[name]!()))) register(program)
}
