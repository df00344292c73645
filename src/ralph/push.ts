// The push after a clean review (`--push`): the user's own push of the checked-out branch, on the host,
// with the user's credentials. It refuses a detached HEAD, and runs no hook: a hooks path may point into
// the work tree, which the agent wrote.
import { execa } from 'execa'
import { WrapixError } from '../errors.js'
import { currentBranch } from './spec-git.js'

/** The branch a push would push; a detached HEAD is refused. */
export async function assertPushable(workspace: string): Promise<string> {
  const branch = await currentBranch(workspace)
  if (!branch) throw new WrapixError('usage', 'HEAD is detached: refusing to push', 'check out the branch the work belongs on, then push it: git push')
  return branch
}

export async function pushBranch(workspace: string): Promise<{ branch: string }> {
  const branch = await assertPushable(workspace)
  const r = await execa('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', 'push', '--no-verify'], {
    cwd: workspace,
    env: { GIT_TERMINAL_PROMPT: '0' }, // fail with a message rather than wait for a password nobody types
    reject: false,
    stdin: 'ignore',
  })
  if (r.exitCode !== 0) {
    const reason = String(r.stderr).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('hint:')).slice(0, 2).join(' ')
    throw new WrapixError('host', `git push of ${branch} failed: ${reason || `exit code ${r.exitCode}`}`, 'fix the remote (or its upstream branch), then push by hand: git push')
  }
  return { branch }
}
