// Git state of the workspace before and after a session, and the diff stat of the work tree against
// the HEAD at start (committed, staged, unstaged and new files alike). Reads only: the real index is
// never touched, and nothing the sandbox could have planted in the repo's config runs on the host.
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { filterOverrides, runSafeGit, type GitResult } from '../git/safe-git.js'

export interface GitSnapshot {
  /** Commit id of HEAD; null in a repository without commits. */
  head: string | null
  /** Branch name; null when HEAD is detached. */
  branch: string | null
  dirty: boolean
}

export interface DiffFile {
  path: string
  /** null for binary files */
  insertions: number | null
  deletions: number | null
}

export interface DiffStat {
  filesChanged: number
  insertions: number
  deletions: number
  files: DiffFile[]
}

export type GitProbe = { available: true; snapshot: GitSnapshot } | { available: false; reason: string }

// wrapix's own state in the workspace (records, the agent's config dir) is not the agent's work.
const EXCLUDED_PATHS = ['.wrapix', '.claude']
const PATHSPEC = ['--', '.', ...EXCLUDED_PATHS.map((p) => `:(exclude)${p}`)]

type Git = (args: string[], env?: Record<string, string>, input?: string) => Promise<GitResult>

/**
 * Git runners for one probe or diff, with wrapix's fixed config and environment (safe-git.ts): no hook,
 * fsmonitor, external diff, textconv, submodule recursion or system/global config. The repo's filter
 * drivers are looked up once (`git`), not per call, and switched off by name; `treeOnly` is for commands
 * that only read trees into an index (no work tree, no filter, no hook) and need not wait for that lookup.
 */
function gitIn(cwd: string): { git: Git; treeOnly: Git } {
  const overrides = runSafeGit(['config', '--null', '--name-only', '--get-regexp', '^filter\\.'], { cwd }).then((r) =>
    r.ok ? filterOverrides(r.out.split('\0')) : [],
  )
  overrides.catch(() => {}) // awaited by every `git` call; unhandled only when none is made
  return {
    git: async (args, env = {}, input) => runSafeGit(args, { cwd, env, config: await overrides, ...(input === undefined ? {} : { input }) }),
    treeOnly: (args, env = {}) => runSafeGit(args, { cwd, env }),
  }
}

export async function probeGit(workspace: string): Promise<GitProbe> {
  try {
    return await probeWith(gitIn(workspace).git)
  } catch (err) {
    return { available: false, reason: `git could not be run (${(err as Error).message.split('\n')[0]})` }
  }
}

// One `git status` answers all three questions (HEAD, branch, dirty) and fails outside a work tree.
async function probeWith(git: Git): Promise<GitProbe> {
  const status = await git(['status', '--porcelain=v2', '--branch', '--no-ahead-behind', '-z', '--untracked-files=normal', '--ignore-submodules=all', ...PATHSPEC])
  if (!status.ok) {
    // e.g. "detected dubious ownership": say what git said rather than guess
    const said = status.err.split('\n')[0]?.replace(/^fatal: /, '') ?? ''
    const notRepo = !said || /not a git repository|must be run in a work tree/.test(said)
    return { available: false, reason: notRepo ? 'not a git repository' : `git: ${said}` }
  }
  return { available: true, snapshot: parseStatusV2(status.out) }
}

/** Parses `git status --porcelain=v2 --branch -z`: `# branch.oid`/`# branch.head` headers, then one record per change. */
export function parseStatusV2(out: string): GitSnapshot {
  let head: string | null = null
  let branch: string | null = null
  let dirty = false
  for (const record of out.split('\0')) {
    if (!record) continue
    if (!record.startsWith('# ')) {
      dirty = true
      break // headers come first; the rest are changes
    }
    const [key, ...rest] = record.slice(2).split(' ')
    const value = rest.join(' ')
    if (key === 'branch.oid' && value !== '(initial)') head = value
    if (key === 'branch.head' && value !== '(detached)') branch = value
  }
  return { head, branch, dirty }
}

/**
 * The end of a session: the git state after it and the diff stat since `baseHead`, found concurrently.
 * The diff is of the work tree against `baseHead` (null: against an empty tree); new untracked files count
 * as added, ignored files and wrapix's own folders do not. It uses a throw-away index holding `baseHead`
 * with new files marked intent-to-add, so no blob is written and the real index is untouched.
 */
export async function gitAfterAndDiff(workspace: string, baseHead: string | null): Promise<{ after: GitProbe; diff: Promise<DiffStat> }> {
  const runners = gitIn(workspace)
  const diff = diffWith(runners, baseHead)
  diff.catch(() => {}) // unhandled when the caller finds `after` unavailable and never awaits it
  return { after: await probeWith(runners.git), diff }
}

async function diffWith({ git, treeOnly }: { git: Git; treeOnly: Git }, baseHead: string | null): Promise<DiffStat> {
  const index = join(tmpdir(), `wrapix-git-index-${process.pid}-${randomBytes(4).toString('hex')}`)
  const env = { GIT_INDEX_FILE: index }
  try {
    const [base, read] = await Promise.all([
      baseHead ?? git(['hash-object', '-t', 'tree', '/dev/null']).then((r) => r.out),
      treeOnly(baseHead ? ['read-tree', baseHead] : ['read-tree', '--empty'], env),
    ])
    if (!read.ok) throw new Error(read.err)
    // Only the new files get intent-to-add: `add --all` would also check each gitlink by running
    // `git status` inside the nested repository, with that repository's own config (filters, fsmonitor).
    const untracked = await git(['ls-files', '-z', '--others', '--exclude-standard', ...PATHSPEC], env)
    if (!untracked.ok) throw new Error(untracked.err)
    if (untracked.out !== '') {
      const literal = { ...env, GIT_LITERAL_PATHSPECS: '1' } // a file named ":(…)" is a name, not pathspec magic
      await git(['add', '--intent-to-add', '--pathspec-from-file=-', '--pathspec-file-nul'], literal, untracked.out)
    }
    const diff = await git(['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all', '--relative', base, ...PATHSPEC], env)
    if (!diff.ok) throw new Error(diff.err)
    return parseNumstat(diff.out)
  } finally {
    await rm(index, { force: true })
  }
}

/** Parses `git diff --numstat -z --no-renames`: `ins<TAB>del<TAB>path<NUL>` per file, `-` for binary. */
export function parseNumstat(out: string): DiffStat {
  const files: DiffFile[] = []
  for (const record of out.split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t([\s\S]+)$/.exec(record.replace(/^\n/, ''))
    if (!m) continue
    files.push({
      path: m[3]!,
      insertions: m[1] === '-' ? null : Number(m[1]),
      deletions: m[2] === '-' ? null : Number(m[2]),
    })
  }
  return {
    filesChanged: files.length,
    insertions: files.reduce((n, f) => n + (f.insertions ?? 0), 0),
    deletions: files.reduce((n, f) => n + (f.deletions ?? 0), 0),
    files,
  }
}
