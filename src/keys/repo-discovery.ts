// Finding the project's repository: top level, shared git dir (worktrees too) and the origin remote.
import { execa } from 'execa'
import { WrapixError } from '../errors.js'
import { type GithubRemote, parseRemoteUrl } from './github-remote.js'

export interface RepositoryInfo {
  readonly topLevel: string // the checkout (or worktree) root
  readonly commonDir: string // the shared .git directory: the same for every worktree of a repository
  readonly remoteUrl: string
  readonly remote: GithubRemote | null // null when origin does not name owner/repo on some host
}

async function git(cwd: string, args: string[]): Promise<string | null> {
  const r = await execa('git', ['-C', cwd, ...args], { reject: false, stdin: 'ignore', env: { GIT_TERMINAL_PROMPT: '0' } })
  return r.exitCode === 0 ? r.stdout.trim() : null
}

/** The repository `cwd` belongs to, or null when `cwd` is not in a git checkout or has no origin. */
export async function findRepository(cwd: string): Promise<RepositoryInfo | null> {
  // Both at once: launches wait for this. rev-parse prints one line per option, in order.
  const [dirs, remoteUrl] = await Promise.all([
    git(cwd, ['rev-parse', '--show-toplevel', '--path-format=absolute', '--git-common-dir']),
    git(cwd, ['remote', 'get-url', 'origin']),
  ])
  if (dirs === null) return null
  const [topLevel, commonDir] = dirs.split('\n')
  if (!topLevel || !commonDir || remoteUrl === null || remoteUrl === '') return null
  return { topLevel, commonDir, remoteUrl, remote: parseRemoteUrl(remoteUrl) }
}

/** Like findRepository, but says what is wrong when there is no usable origin. */
export async function requireRepository(cwd: string): Promise<RepositoryInfo & { remote: GithubRemote }> {
  const topLevel = await git(cwd, ['rev-parse', '--show-toplevel'])
  if (topLevel === null) {
    throw new WrapixError('usage', `${cwd} is not in a git checkout`, 'run this in your project, or pass --repo OWNER/REPO')
  }
  const info = await findRepository(cwd)
  if (info === null) {
    throw new WrapixError('usage', `the checkout at ${topLevel} has no "origin" remote`,
      'add it: git remote add origin git@github.com:OWNER/REPO.git')
  }
  if (info.remote === null) {
    throw new WrapixError('usage', `origin (${info.remoteUrl}) does not name a GitHub repository`,
      'set it: git remote set-url origin git@github.com:OWNER/REPO.git')
  }
  return { ...info, remote: info.remote }
}
