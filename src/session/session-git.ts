// The sandbox's own git dir over one session: seeded before the sandbox starts, checked and brought back
// to the host after it exits. The host's .git is never mounted (docs/git-safety.md).
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { gitLayoutChanges } from '../git/git-layout.js'
import { importSessionGit, type GitImport } from '../git/import-session-git.js'
import { seedSessionGit, type SeedResult } from '../git/seed-session-git.js'
import { SANDBOX_GIT_DIR, SANDBOX_HOST_OBJECTS, type PlannedGit } from '../sandbox/plan.js'

export interface SessionGitStart {
  readonly git: PlannedGit
  readonly seed: SeedResult | null
  /** Why git inside the sandbox finds no repository; null when it has its session git dir. */
  readonly hidden: string | null
}

/** What the record says about the session git dir. */
export interface SessionGitOutcome {
  readonly mode: 'session' | 'hidden' | 'none'
  readonly reason: string | null
  /** The `.git` entry or a redirect file differs from the start: nothing was imported and git was not run there. */
  readonly changed: string[]
  readonly imported: GitImport | null
  readonly error: string | null
}

/** Creates the session git dir (and the `.git` file pointing at it) before the sandbox starts. */
export async function startSessionGit(git: PlannedGit): Promise<SessionGitStart> {
  const { layout, sessionGitDir, dotGitFile } = git
  if (layout.kind === 'none' || sessionGitDir === null) return { git, seed: null, hidden: null }
  await mkdir(dirname(sessionGitDir), { recursive: true, mode: 0o700 }) // the session dir: copies of refs and index are private
  await mkdir(sessionGitDir, { recursive: true, mode: 0o755 })
  if (dotGitFile) await writeFile(dotGitFile, `gitdir: ${SANDBOX_GIT_DIR}\n`, { mode: 0o644 })
  if (layout.kind === 'unsupported') return { git, seed: null, hidden: layout.reason }
  const seed = await seedSessionGit({ layout, sessionGitDir, sandboxObjectsPath: SANDBOX_HOST_OBJECTS }).catch(
    (err: Error): SeedResult => ({ ok: false, reason: err.message.split('\n')[0] ?? 'unknown error' }),
  )
  if (seed.ok) return { git, seed, hidden: null }
  // An empty dir: git in the sandbox finds no repository rather than a half-made one.
  await rm(sessionGitDir, { recursive: true, force: true })
  await mkdir(sessionGitDir, { mode: 0o755 })
  return { git, seed, hidden: seed.reason }
}

/** After the sandbox exited: verify the host's `.git` is the one the session began with, then import. */
export async function finishSessionGit(start: SessionGitStart, sessionId: string): Promise<SessionGitOutcome> {
  const { layout, sessionGitDir } = start.git
  const mode = layout.kind === 'none' ? 'none' : start.hidden === null ? 'session' : 'hidden'
  const base = { mode, reason: start.hidden } as const
  const changed = await gitLayoutChanges(layout).catch((err: Error) => [`cannot check ${layout.dotGit}: ${err.message}`])
  if (changed.length > 0) return { ...base, changed, imported: null, error: null }
  if (layout.kind === 'none' || layout.kind === 'unsupported' || !start.seed?.ok || sessionGitDir === null) {
    return { ...base, changed: [], imported: null, error: null }
  }
  try {
    const imported = await importSessionGit({ layout, sessionGitDir, seed: start.seed.seed, sessionId })
    return { ...base, changed: [], imported, error: null }
  } catch (err) {
    return { ...base, changed: [], imported: null, error: (err as Error).message.split('\n')[0] ?? 'unknown error' }
  }
}
