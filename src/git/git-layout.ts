// Where the workspace's git state lives on the host, read without git (lstat + a few small files), and the
// end-of-session check that the `.git` entry and every redirect file are still the ones the session began with.
import { lstat, readFile } from 'node:fs/promises'
import { isAbsolute, join, resolve } from 'node:path'

/** Identity of a directory entry: a replaced `.git` (mv, rm + mkdir, file for dir) changes one of these. */
export interface EntryId {
  readonly type: 'dir' | 'file' | 'symlink' | 'other'
  readonly dev: string
  readonly ino: string
}

/** A small file git follows (`.git` file, `commondir`, `gitdir`) and its text at start; null: absent. */
export interface Pointer {
  readonly path: string
  readonly text: string | null
}

export type GitLayout =
  | { readonly kind: 'none'; readonly dotGit: string }
  | {
      readonly kind: 'dir' | 'file'
      readonly dotGit: string
      readonly entry: EntryId
      /** HEAD and index live here (for a linked worktree: `.git/worktrees/<name>` of the main checkout). */
      readonly gitDir: string
      /** objects, refs and config live here; the same as gitDir except for linked worktrees. */
      readonly commonDir: string
      readonly pointers: readonly Pointer[]
    }
  | { readonly kind: 'unsupported'; readonly dotGit: string; readonly entry: EntryId; readonly reason: string; readonly pointers: readonly Pointer[] }

const MAX_POINTER_BYTES = 4096

export async function entryId(path: string): Promise<EntryId | null> {
  try {
    const s = await lstat(path, { bigint: true })
    const type = s.isDirectory() ? 'dir' : s.isFile() ? 'file' : s.isSymbolicLink() ? 'symlink' : 'other'
    return { type, dev: String(s.dev), ino: String(s.ino) }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** Text of a small regular file (not a link); null when absent; throws for anything else. */
async function readPointer(path: string): Promise<string | null> {
  const id = await entryId(path)
  if (id === null) return null
  if (id.type !== 'file') throw new Error(`${path} is not a regular file`)
  const text = await readFile(path, 'utf8')
  if (text.length > MAX_POINTER_BYTES) throw new Error(`${path} is larger than ${MAX_POINTER_BYTES} bytes`)
  return text
}

const isDir = async (path: string): Promise<boolean> => (await entryId(path))?.type === 'dir'

/** The git layout of `workspace`; reads files only, runs nothing. */
export async function readGitLayout(workspace: string): Promise<GitLayout> {
  const dotGit = join(workspace, '.git')
  const entry = await entryId(dotGit)
  if (entry === null) return { kind: 'none', dotGit }
  const unsupported = (reason: string, pointers: Pointer[] = []): GitLayout => ({ kind: 'unsupported', dotGit, entry, reason, pointers })
  if (entry.type === 'dir') {
    const commondir = { path: join(dotGit, 'commondir'), text: await readPointer(join(dotGit, 'commondir')).catch(() => 'unreadable') }
    if (commondir.text !== null) return unsupported(`${dotGit} holds a commondir file`, [commondir])
    if (!(await isDir(join(dotGit, 'objects')))) return unsupported(`${dotGit} has no objects directory`, [commondir])
    return { kind: 'dir', dotGit, entry, gitDir: dotGit, commonDir: dotGit, pointers: [commondir] }
  }
  if (entry.type !== 'file') return unsupported(`${dotGit} is a ${entry.type}, not a directory or a "gitdir:" file`)
  try {
    const text = (await readPointer(dotGit)) ?? ''
    const pointers: Pointer[] = [{ path: dotGit, text }]
    const target = /^gitdir: (.+)\n?$/.exec(text)?.[1]
    if (!target) return unsupported(`${dotGit} is not a "gitdir: PATH" file`, pointers)
    const gitDir = isAbsolute(target) ? target : resolve(workspace, target)
    if (!(await isDir(gitDir))) return unsupported(`${dotGit} points to ${gitDir}, which is not a directory`, pointers)
    const commondirPath = join(gitDir, 'commondir')
    const common = await readPointer(commondirPath)
    pointers.push({ path: commondirPath, text: common })
    const gitdirPath = join(gitDir, 'gitdir') // a linked worktree's way back to its checkout
    pointers.push({ path: gitdirPath, text: await readPointer(gitdirPath) })
    const commonDir = common === null ? gitDir : resolve(gitDir, common.trim())
    if (!(await isDir(join(commonDir, 'objects')))) return unsupported(`${commonDir} (from ${dotGit}) has no objects directory`, pointers)
    return { kind: 'file', dotGit, entry, gitDir, commonDir, pointers }
  } catch (err) {
    return unsupported((err as Error).message)
  }
}

const sameEntry = (a: EntryId | null, b: EntryId | null): boolean =>
  a === b || (a !== null && b !== null && a.type === b.type && a.dev === b.dev && a.ino === b.ino)

/**
 * What differs from the layout read at start: a `.git` that appeared, vanished or was replaced, or a
 * redirect file (commondir, gitdir, the `.git` file) with other content. Empty when all is as it was.
 */
export async function gitLayoutChanges(start: GitLayout): Promise<string[]> {
  const now = await entryId(start.dotGit)
  if (start.kind === 'none') return now === null ? [] : [`${start.dotGit} appeared during the session (it did not exist at start)`]
  if (!sameEntry(start.entry, now)) {
    return [now === null ? `${start.dotGit} was removed during the session` : `${start.dotGit} was replaced during the session (another ${now.type} now)`]
  }
  const problems: string[] = []
  for (const pointer of start.pointers) {
    const text = await readPointer(pointer.path).catch((err: Error) => `unreadable: ${err.message}`)
    if (text !== pointer.text) {
      problems.push(pointer.text === null ? `${pointer.path} appeared during the session` : `${pointer.path} changed during the session`)
    }
  }
  return problems
}
