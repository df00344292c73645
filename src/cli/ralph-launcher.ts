// How every ralph step starts its session: `runCommand()`, the same preparation, policy, record and
// sandbox as `wrapix run`, with the step's task id for the record. ralph runs claude only.
import { WrapixError } from '../errors.js'
import type { Launcher } from '../ralph/run-attempt.js'
import type { GlobalOptions } from './output.js'
import { runCommand } from './run-action.js'
import type { RunCommandOptions } from './run-options.js'

export function checkRalphRunOptions(raw: RunCommandOptions, command: string): void {
  if (raw.dryRun) throw new WrapixError('usage', `ralph ${command} has no --dry-run`, 'see the command of one session with: wrapix --dry-run')
  if (raw.agent && raw.agent !== 'claude') throw new WrapixError('usage', `ralph runs claude only (not ${raw.agent})`, 'drop --agent')
}

/** The launcher for batch sessions; a --profile flag wins over the profile ralph chose for the step. */
export function sessionLauncher(raw: RunCommandOptions, globals: GlobalOptions): Launcher {
  return (l) =>
    runCommand(
      { dir: l.dir, raw: { ...raw, agent: 'claude', ...(raw.profile || !l.profile ? {} : { profile: l.profile }) }, command: null, shell: false, globals },
      { taskId: l.taskId, agentArgs: l.agentArgs, io: l.io, onRecord: l.onRecord },
    )
}
