// The flags of `wrapix run` and `wrapix shell`: one table, docker's spelling where docker has the flag.
import { Option, type Command } from 'commander'
import type { RawRunOptions } from './run-flags.js'

export interface RunCommandOptions extends RawRunOptions {
  dryRun?: boolean
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

// `shell` always starts bash, so it takes no --agent (an --agent there would be silently ignored).
export function addRunOptions(cmd: Command, { agent }: { agent: boolean }): Command {
  cmd.option('--profile <name>', 'profile: base, rust, python, or your own (env WRAPIX_PROFILE)')
  if (agent) cmd.addOption(new Option('--agent <name>', 'agent to start (env WRAPIX_AGENT)').choices(['claude', 'codex', 'gemini', 'shell']))
  return cmd
    .addOption(new Option('--boundary <kind>', 'isolation: auto (default: strongest available), microvm, gvisor, container (env WRAPIX_BOUNDARY; WRAPIX_NO_MICROVM=1 = container)').choices(['auto', 'microvm', 'gvisor', 'container']))
    .addOption(new Option('--network <mode>', 'limit (allowlist, default), open, none (env WRAPIX_NETWORK)').choices(['limit', 'open', 'none']))
    .option('-e, --env <KEY[=VALUE]>', 'set a variable, or pass your own KEY (repeatable)', collect)
    .option('--env-file <file>', 'read KEY=VALUE lines from a file (repeatable)', collect)
    .option('-v, --volume <SRC:DST[:ro|rw]>', 'mount a host path (repeatable)', collect)
    .option('--allow <host[:port]>', 'also allow this host (repeatable)', collect)
    .option('--deny <host[:port]>', 'deny this host (repeatable; deny wins)', collect)
    .option('--resolve <host:address>', "resolve host to address in wrapix's proxy (repeatable)", collect)
    .option('--cpus <n>', 'CPU limit (default: half the host, at least 2; env WRAPIX_CPUS)')
    .option('--memory <size>', 'memory limit: MiB or 512m, 4g (default 4g; env WRAPIX_MEMORY)')
    .option('--pids-limit <n>', 'process limit (default 4096; env WRAPIX_PIDS_LIMIT)')
    .option('--image <ref>', 'run this image instead of the profile image (env WRAPIX_IMAGE)')
    .option('--dry-run', 'print the exact runtime command, one argument per line (or --json), and exit')
}
