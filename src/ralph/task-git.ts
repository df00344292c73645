// Git for parallel tasks, on the host. Each task gets a local clone on its own branch `ralph/<spec>/<task>`
// (not a `git worktree`: a worktree's git dir lives inside the project's .git, which its sandbox would then
// have to write). The branch is fetched back and merged into the project one task at a time. Every call
// refuses hooks, fsmonitor, external diffs and pagers a planted config could name.
import { mkdir, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { execa } from 'execa'
import { WrapixError } from '../errors.js'
import { SAFE_GIT_CONFIG, safeGitEnv } from '../git/safe-git.js'

// Local clones and fetches need the file transport. The user's global config stays in force (merge commits
// need the user's identity; it is the user's own file, which no sandbox can write); system config does not.
const RALPH_GIT_CONFIG = [...SAFE_GIT_CONFIG, '-c', 'protocol.file.allow=always']
const { GIT_CONFIG_GLOBAL: _globalConfig, ...RALPH_GIT_ENV } = safeGitEnv()

export const taskBranch = (spec: string, taskId: string): string => `ralph/${spec}/${taskId}`

async function git(cwd: string, args: readonly string[], reject = true): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa('git', [...RALPH_GIT_CONFIG, ...args], { cwd, env: RALPH_GIT_ENV, extendEnv: false, reject: false })
  const out = { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) }
  if (reject && out.exitCode !== 0) throw new WrapixError('internal', `git ${args[0]} failed in ${cwd}: ${out.stderr.trim().split('\n')[0]}`, 'check the repository with: git status')
  return out
}

/** A self-contained copy of the project at its HEAD (objects copied, never hard-linked), on the task's branch. */
export async function createTaskClone(project: string, cloneDir: string, branch: string): Promise<void> {
  await rm(cloneDir, { recursive: true, force: true })
  await mkdir(dirname(cloneDir), { recursive: true })
  await git(project, ['clone', '--quiet', '--no-hardlinks', '--no-local', '--', project, cloneDir])
  await git(cloneDir, ['checkout', '--quiet', '-b', branch])
}

export type MergeResult = { merged: true } | { merged: false; note: string }

/**
 * Fetches the task's branch from its clone into the project and merges it. A conflict aborts the merge,
 * keeps the branch and says how to finish by hand; so does a branch that touches `.wrapix/` (task state
 * and records are the host's, never the agent's).
 */
export async function mergeTaskBranch(project: string, cloneDir: string, branch: string): Promise<MergeResult> {
  await git(project, ['fetch', '--quiet', '--no-tags', '--', cloneDir, `+refs/heads/${branch}:refs/heads/${branch}`])
  const touched = (await git(project, ['diff', '--name-only', `HEAD...${branch}`])).stdout.split('\n').filter(Boolean)
  const forbidden = touched.filter((path) => path === '.wrapix' || path.startsWith('.wrapix/'))
  if (forbidden.length > 0) {
    return { merged: false, note: `branch ${branch} changes ${forbidden[0]} (wrapix's own state); not merged: review it with git diff HEAD...${branch}` }
  }
  if (touched.length === 0) return { merged: true }
  const merge = await git(project, ['merge', '--no-ff', '--no-edit', '-m', `Merge ${branch}`, branch], false)
  if (merge.exitCode === 0) return { merged: true }
  const conflicted = (await git(project, ['diff', '--name-only', '--diff-filter=U'], false)).stdout.split('\n').filter(Boolean)
  await git(project, ['merge', '--abort'], false)
  const where = conflicted.length > 0 ? `conflicts in ${conflicted.join(', ')}` : merge.stderr.trim().split('\n')[0]
  return { merged: false, note: `merging ${branch} failed: ${where}; the branch is kept: git merge ${branch}, resolve, commit, then mark the task done` }
}
