// Git state of the workspace before and after a session, and the diff stat of the work tree against
// the HEAD at start (committed, staged, unstaged and new files alike). Reads only: the real index is
// never touched, and nothing the sandbox could have planted in the repo's config runs on the host.
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'

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

// The sandbox can write the work tree (and maybe .git): refuse every hook, external diff, textconv,
// fsmonitor and filter command a planted config or .gitattributes could name.
const SAFE_CONFIG = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'diff.external=', '-c', 'core.pager=cat']
// wrapix's own state in the workspace (records, the agent's config dir) is not the agent's work.
export const EXCLUDED_PATHS = ['.wrapix', '.claude']
const PATHSPEC = ['--', '.', ...EXCLUDED_PATHS.map((p) => `:(exclude)${p}`)]
const BASE_ENV = { GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }

async function git(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ ok: boolean; out: string; err: string }> {
  const r = await execa('git', [...SAFE_CONFIG, ...(await filterOverrides(cwd)), ...args], {
    cwd,
    env: { ...BASE_ENV, ...env },
    reject: false,
    stripFinalNewline: true,
  })
  return { ok: r.exitCode === 0, out: String(r.stdout), err: String(r.stderr) }
}

/** `-c filter.<name>.clean=` etc. for every filter driver the repo's config defines. */
async function filterOverrides(cwd: string): Promise<string[]> {
  const r = await execa('git', ['config', '--null', '--name-only', '--get-regexp', '^filter\\.'], {
    cwd,
    env: BASE_ENV,
    reject: false,
  })
  if (r.exitCode !== 0) return []
  const names = new Set(
    String(r.stdout)
      .split('\0')
      .map((key) => /^filter\.(.+)\.[^.]+$/.exec(key)?.[1])
      .filter((n): n is string => Boolean(n)),
  )
  return [...names].flatMap((n) => ['-c', `filter.${n}.clean=`, '-c', `filter.${n}.smudge=`, '-c', `filter.${n}.process=`, '-c', `filter.${n}.required=false`])
}

export async function probeGit(workspace: string): Promise<GitProbe> {
  let inside
  try {
    inside = await git(workspace, ['rev-parse', '--is-inside-work-tree'])
  } catch (err) {
    return { available: false, reason: `git could not be run (${(err as Error).message.split('\n')[0]})` }
  }
  if (!inside.ok || inside.out !== 'true') {
    // e.g. "detected dubious ownership": say what git said rather than guess
    const said = inside.err.split('\n')[0]?.replace(/^fatal: /, '') ?? ''
    return { available: false, reason: !said || /not a git repository/.test(said) ? 'not a git repository' : `git: ${said}` }
  }
  const [head, branch, status] = await Promise.all([
    git(workspace, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']),
    git(workspace, ['symbolic-ref', '--quiet', '--short', 'HEAD']),
    git(workspace, ['status', '--porcelain', '-z', '--untracked-files=normal', ...PATHSPEC]),
  ])
  return {
    available: true,
    snapshot: {
      head: head.ok && head.out ? head.out : null,
      branch: branch.ok && branch.out ? branch.out : null,
      dirty: status.out.length > 0,
    },
  }
}

/**
 * Diff stat of the work tree under `workspace` against `baseHead` (null: against an empty tree).
 * New untracked files count as added; ignored files and wrapix's own folders do not. Uses a throw-away index holding
 * `baseHead` with new files marked intent-to-add, so no blob is written and the real index is untouched.
 */
export async function diffStatSince(workspace: string, baseHead: string | null): Promise<DiffStat> {
  const index = join(tmpdir(), `wrapix-git-index-${process.pid}-${randomBytes(4).toString('hex')}`)
  const env = { GIT_INDEX_FILE: index }
  try {
    const base = baseHead ?? (await git(workspace, ['hash-object', '-t', 'tree', '/dev/null'])).out
    const read = await git(workspace, baseHead ? ['read-tree', baseHead] : ['read-tree', '--empty'], env)
    if (!read.ok) throw new Error(read.err)
    await git(workspace, ['add', '--intent-to-add', '--all', ...PATHSPEC], env)
    const diff = await git(
      workspace,
      ['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', '--relative', base, ...PATHSPEC],
      env,
    )
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
