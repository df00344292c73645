// Finding the project's repository: the checkout, its shared git dir (worktrees too) and the origin remote —
// read without the workspace's git machinery: the `.git` entry is read as files (readGitLayout) and the
// remote from the common dir's config file with wrapix's fixed git config (no includes, no redirects).
import { realpath } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { WrapixError } from '../errors.js'
import { entryId, readGitLayout } from '../git/git-layout.js'
import { runSafeGit } from '../git/safe-git.js'
import { type GithubRemote, parseRemoteUrl } from './github-remote.js'

export interface RepositoryInfo {
  readonly topLevel: string // the checkout (or worktree) root
  readonly commonDir: string // the shared .git directory (real path): the same for every worktree of a repository
  readonly remoteUrl: string
  readonly remote: GithubRemote | null // null when origin does not name owner/repo on some host
}

/** The nearest directory at or above `cwd` holding a `.git` entry (git's own discovery, without GIT_* variables). */
async function findCheckout(cwd: string): Promise<string | null> {
  let dir = await realpath(cwd).catch(() => cwd)
  for (;;) {
    if ((await entryId(join(dir, '.git'))) !== null) return dir
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

/** The checkout `cwd` is in and its common git dir; null outside a checkout or for a layout wrapix does not read. */
async function findGitDirs(cwd: string): Promise<{ topLevel: string; commonDir: string } | null> {
  const topLevel = await findCheckout(cwd)
  if (topLevel === null) return null
  const layout = await readGitLayout(topLevel)
  if (layout.kind !== 'dir' && layout.kind !== 'file') return null
  return { topLevel, commonDir: await realpath(layout.commonDir) }
}

/** origin's URL from `<commonDir>/config` only: includes are not followed, nothing else is read. */
export async function readOriginUrl(commonDir: string): Promise<string | null> {
  const r = await runSafeGit(['config', '--file', join(commonDir, 'config'), '--get', 'remote.origin.url'])
  return r.ok && r.out !== '' ? r.out : null
}

/** The repository `cwd` belongs to, or null when `cwd` is not in a git checkout or has no origin. */
export async function findRepository(cwd: string): Promise<RepositoryInfo | null> {
  const dirs = await findGitDirs(cwd)
  if (dirs === null) return null
  const remoteUrl = await readOriginUrl(dirs.commonDir)
  if (remoteUrl === null) return null
  return { ...dirs, remoteUrl, remote: parseRemoteUrl(remoteUrl) }
}

/** The common git dir of the checkout `cwd` is in (for pinning a key to it), or null outside a checkout. */
export async function findCommonDir(cwd: string): Promise<string | null> {
  return (await findGitDirs(cwd))?.commonDir ?? null
}

/** Like findRepository, but says what is wrong when there is no usable origin. */
export async function requireRepository(cwd: string): Promise<RepositoryInfo & { remote: GithubRemote }> {
  const dirs = await findGitDirs(cwd)
  if (dirs === null) {
    throw new WrapixError('usage', `${cwd} is not in a git checkout`, 'run this in your project, or pass --repo OWNER/REPO')
  }
  const info = await findRepository(cwd)
  if (info === null) {
    throw new WrapixError('usage', `the checkout at ${dirs.topLevel} has no "origin" remote`,
      'add it: git remote add origin git@github.com:OWNER/REPO.git')
  }
  if (info.remote === null) {
    throw new WrapixError('usage', `origin (${info.remoteUrl}) does not name a GitHub repository`,
      'set it: git remote set-url origin git@github.com:OWNER/REPO.git')
  }
  return { ...info, remote: info.remote }
}
