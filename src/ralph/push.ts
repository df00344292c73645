// The push after a clean review (`--push`): the user's own push of the checked-out branch, on the host,
// with the user's credentials. It refuses a detached HEAD and work that changes CI or automation files
// (they run with the repository's secrets once pushed: a human reviews them first), and runs no hook: a
// hooks path may point into the work tree, which the agent wrote.
import { execa } from 'execa'
import { WrapixError } from '../errors.js'
import { runSafeGit } from '../git/safe-git.js'
import { pushExecuted } from '../session/host-executed-files.js'
import { currentBranch } from './spec-git.js'
import { SpecLabelSchema } from './task-schema.js'

/** Paths a push would send that run on the forge (CI, automation, wrapix's settings); ralph's task files do not. */
export function pushReviewPaths(paths: readonly string[]): string[] {
  return paths.filter((path) => pushExecuted(path) && !isRalphTaskFile(path))
}

// `.wrapix/ralph/<spec>/NNN-slug.md` and its state.json: written by the host for every spec, committed with the work.
function isRalphTaskFile(path: string): boolean {
  const m = /^\.wrapix\/ralph\/([^/]+)\/([^/]+)$/.exec(path)
  return !!m && SpecLabelSchema.safeParse(m[1]).success && (m[2] === 'state.json' || /^\d{3,}-[^/]*\.md$/.test(m[2]!))
}

/**
 * Every path a commit of the push touches: the commits on HEAD that the remote branch (`@{push}`) lacks,
 * or, when git knows no remote branch, those since the specs' base commits (all of history without one).
 */
async function pushedPaths(workspace: string, bases: readonly string[]): Promise<string[]> {
  const remote = await runSafeGit(['rev-parse', '--verify', '-q', '@{push}'], { cwd: workspace })
  const exclusions = remote.ok ? [[`^${remote.out.trim()}`]] : bases.length ? bases.map((b) => [`^${b}`]) : [[]]
  const paths = new Set<string>()
  for (const not of exclusions) {
    const r = await runSafeGit(['log', '-z', '--no-renames', '--name-only', '--format=', 'HEAD', ...not, '--'], { cwd: workspace })
    if (!r.ok) throw new WrapixError('host', `git log failed before the push: ${r.err.split('\n')[0]}`, 'check the repository with: git status, then push by hand: git push')
    for (const path of r.out.split('\0')) if (path.trim()) paths.add(path.trim())
  }
  return [...paths]
}

/** The branch a push would push; a detached HEAD is refused. */
export async function assertPushable(workspace: string): Promise<string> {
  const branch = await currentBranch(workspace)
  if (!branch) throw new WrapixError('usage', 'HEAD is detached: refusing to push', 'check out the branch the work belongs on, then push it: git push')
  return branch
}

/** Pushes the checked-out branch; `bases` (the specs' base commits) bound the check when no remote branch is known. */
export async function pushBranch(workspace: string, bases: readonly string[] = []): Promise<{ branch: string }> {
  const branch = await assertPushable(workspace)
  const review = pushReviewPaths(await pushedPaths(workspace, bases)).sort()
  if (review.length > 0) {
    const named = `${review.slice(0, 3).join(', ')}${review.length > 3 ? ` and ${review.length - 3} more` : ''}`
    throw new WrapixError('policy', `refusing to push ${branch}: the work changes CI or automation files, which run with the repository's secrets once pushed: ${named}`, 'review them (git log -p), then push by hand: git push')
  }
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
