// Snapshots of the host-executed files (host-executed-files.ts) of a project, by lstat and content hash,
// without git: ignored and untracked files count too. No link is followed, in the path or at its end.
import { createHash } from 'node:crypto'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { readRegularBytes } from '../fs/read-regular.js'
import { HOST_EXECUTED_FILES, splitPattern, type FileState, type Snapshot } from './host-executed-files.js'

const MAX_HASHED_BYTES = 64 * 1024 * 1024

/** true when every component of `rel` below `root` is a real directory (no link to elsewhere). */
async function realDirChain(root: string, rel: string): Promise<boolean> {
  let path = root
  for (const part of rel === '' ? [] : rel.split('/')) {
    path = join(path, part)
    try {
      if (!(await lstat(path)).isDirectory()) return false
    } catch {
      return false
    }
  }
  return true
}

async function stateOf(path: string): Promise<FileState | null> {
  let info
  try {
    info = await lstat(path)
  } catch {
    return null
  }
  const hash = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
  if (info.isSymbolicLink()) return `link:${hash(await readlink(path))}`
  if (!info.isFile()) return info.isDirectory() ? null : 'special'
  const data = await readRegularBytes(path, MAX_HASHED_BYTES)
  return data === null ? `file:size=${info.size}:mtime=${info.mtimeMs}` : `file:${hash(data)}:${info.mode & 0o111 ? 'x' : '-'}`
}

export async function snapshotHostExecutedFiles(workspace: string): Promise<Map<string, FileState>> {
  const snapshot = new Map<string, FileState>()
  const dirs = new Map<string, string[] | null>()
  for (const rule of HOST_EXECUTED_FILES) {
    const { dir, name, literal } = splitPattern(rule.pattern)
    if (!(await realDirChain(workspace, dir))) continue
    let names: string[]
    if (literal !== null) names = [literal]
    else {
      if (!dirs.has(dir)) dirs.set(dir, await readdir(join(workspace, dir)).catch(() => null))
      names = (dirs.get(dir) ?? []).filter((n) => name.test(n))
    }
    for (const n of names) {
      const rel = dir === '' ? n : `${dir}/${n}`
      const state = await stateOf(join(workspace, rel))
      if (state !== null) snapshot.set(rel, state)
    }
  }
  return snapshot
}

export type { Snapshot }
