// Git on the host for specs and reviews: the spec as committed, what changed in it since a commit, the work
// since the spec's base commit. Every call goes through runSafeGit (no hooks, helpers, external diffs or
// text conversions a planted config could name), and commits come from validated state or git itself.
import { WrapixError } from '../errors.js'
import { execa } from 'execa'
import { runSafeGit, SAFE_GIT_CONFIG, safeGitEnv } from '../git/safe-git.js'
import { MAX_PROJECT_TEXT_BYTES } from './project-file.js'

/** A diff in a prompt is for orientation: the agent can run git itself for the rest. */
export const MAX_DIFF_CHARS = 100_000

async function git(workspace: string, args: readonly string[]): Promise<{ ok: boolean; out: string; err: string }> {
  return runSafeGit(args, { cwd: workspace })
}

export async function headCommit(workspace: string): Promise<string | null> {
  const r = await git(workspace, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'])
  return r.ok ? r.out.trim() : null
}

export async function commitExists(workspace: string, commit: string): Promise<boolean> {
  return (await git(workspace, ['cat-file', '-e', `${commit}^{commit}`])).ok
}

export interface CommittedFile {
  readonly blob: string
  readonly text: string
}

/** A file as committed at `commit`: a regular file (a committed link is refused), size capped; null when absent. */
export async function committedFile(workspace: string, commit: string, rel: string): Promise<CommittedFile | null> {
  const r = await git(workspace, ['ls-tree', '-z', commit, '--', rel])
  if (!r.ok) throw new WrapixError('host', `git ls-tree failed in ${workspace}: ${r.err.split('\n')[0]}`, 'check the repository with: git status')
  const entry = r.out.split('\0').find(Boolean)
  if (!entry) return null
  const match = /^(\d+) (\w+) ([0-9a-f]+)\t/.exec(entry)
  if (!match || match[2] !== 'blob' || !['100644', '100755'].includes(match[1]!)) {
    throw new WrapixError('policy', `${rel} is committed as ${match?.[1] === '120000' ? 'a symbolic link' : 'something other than a file'}`, `commit ${rel} as a plain text file`)
  }
  const blob = match[3]!
  const size = Number((await git(workspace, ['cat-file', '-s', blob])).out.trim())
  if (!(size <= MAX_PROJECT_TEXT_BYTES)) throw new WrapixError('config', `${rel} is ${Math.ceil(size / 1024)} KiB; the limit is ${MAX_PROJECT_TEXT_BYTES / 1024} KiB`, `shorten ${rel}`)
  // Byte for byte (runSafeGit strips the final newline): the text is compared with the working file.
  const r2 = await execa('git', [...SAFE_GIT_CONFIG, 'cat-file', 'blob', blob], { cwd: workspace, env: safeGitEnv(), extendEnv: false, reject: false, stripFinalNewline: false, stdin: 'ignore' })
  if (r2.exitCode !== 0) throw new WrapixError('host', `git cat-file failed for ${rel}: ${String(r2.stderr).split('\n')[0]}`, 'check the repository with: git status')
  return { blob, text: String(r2.stdout) }
}

/** The change to `rel` between two commits, as a unified diff (empty when unchanged). */
export async function fileDiff(workspace: string, from: string, to: string, rel: string): Promise<string> {
  const r = await git(workspace, ['diff', '--no-color', '--no-ext-diff', '--no-textconv', from, to, '--', rel])
  if (!r.ok) throw new WrapixError('host', `git diff failed for ${rel}: ${r.err.split('\n')[0]}`, 'check the repository with: git status')
  return capDiff(r.out)
}

/** The work since `base` (ralph's own state left out): a stat and the diff, capped. */
export async function workSince(workspace: string, base: string): Promise<{ stat: string; diff: string }> {
  const args = ['--no-color', '--no-ext-diff', '--no-textconv', base, 'HEAD', '--', '.', ':(exclude).wrapix']
  const [stat, diff] = await Promise.all([git(workspace, ['diff', '--stat', ...args]), git(workspace, ['diff', ...args])])
  if (!stat.ok || !diff.ok) throw new WrapixError('host', `git diff ${base.slice(0, 12)} failed: ${(stat.err || diff.err).split('\n')[0]}`, 'check the repository with: git status')
  return { stat: stat.out.trim() || '(no changes)', diff: capDiff(diff.out) }
}

export function capDiff(diff: string): string {
  const text = diff.trim()
  return text.length > MAX_DIFF_CHARS ? `${text.slice(0, MAX_DIFF_CHARS)}\n… (cut at ${MAX_DIFF_CHARS} characters)` : text
}

/** The checked-out branch, or null on a detached HEAD. */
export async function currentBranch(workspace: string): Promise<string | null> {
  const r = await git(workspace, ['symbolic-ref', '-q', '--short', 'HEAD'])
  return r.ok ? r.out.trim() : null
}
