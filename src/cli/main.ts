// The wrapix program: commander wiring only. Each command's work lives in its own module, loaded on use.
import { Command, Option } from 'commander'
import { WrapixError } from '../errors.js'
import type { GlobalOptions } from './output.js'
import { renderError } from './render-error.js'
import { addGlobalOptions } from './run-program.js'
import { addRunOptions, type RunCommandOptions } from './run-options.js'
import { VERSION } from './version.js'

/** Everything after the first `--` is the sandboxed command, kept verbatim (commander would mix it with DIR). */
export function splitCommand(args: readonly string[]): { head: string[]; command: string[] | null } {
  const index = args.indexOf('--')
  return index === -1 ? { head: [...args], command: null } : { head: args.slice(0, index), command: args.slice(index + 1) }
}

export async function main(args: readonly string[]): Promise<number> {
  const { head, command } = splitCommand(args)
  let exitCode = 0
  let ranSandbox = false
  const program = addGlobalOptions(new Command('wrapix')
    .description('Run AI coding agents in a sandbox: the project at /workspace, nothing else of the host, an allowlist network')
    .version(VERSION, '-V, --version'))
    .exitOverride()
    // commander's own error line is rendered by renderError (one "wrapix:" line, or JSON with --json).
    .configureOutput({ outputError: () => {} })
    .showSuggestionAfterError()
    .configureHelp({ showGlobalOptions: true })

  const runAction = (shell: boolean) => async (dir: string | undefined, raw: RunCommandOptions, cmd: Command) => {
    ranSandbox = true
    const globals = cmd.optsWithGlobals<GlobalOptions>()
    const { runCommand } = await import('./run-action.js')
    exitCode = await runCommand({ dir: dir ?? null, raw, command, shell, globals })
  }
  addRunOptions(
    program
      .command('run [dir]', { isDefault: true })
      .description('start the agent (or the command after --) in a sandbox for DIR (default: the current directory)')
      .usage('[DIR] [options] [-- COMMAND ARGS…]'),
  ).action(runAction(false))
  addRunOptions(program.command('shell [dir]').description('open bash in a sandbox for DIR')).action(runAction(true))

  program
    .command('config')
    .description('show the resolved configuration and where each value came from')
    .option('--explain', 'describe every setting a config file can hold')
    .addOption(new Option('--profile <name>', 'profile to resolve'))
    .argument('[dir]', 'project directory')
    .action(async (dir: string | undefined, opts: { explain?: boolean; profile?: string }, cmd: Command) => {
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

  await registerAreaCommands(program, head)
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
    return renderError(err, { json: globals().json, verbose: globals().verbose })
  }
}

type Register = (program: Command) => void

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
  const wantsHelp = first === 'help' || head.includes('--help') || head.includes('-h')
  const names = first && first in AREAS ? [first] : wantsHelp ? Object.keys(AREAS) : []
  for (const register of await Promise.all(names.map((name) => AREAS[name]!()))) register(program)
}
