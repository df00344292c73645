// Directories wrapix writes into inside the project (`.wrapix/…`) come from a tree a hostile commit can
// shape: every component is lstat'ed and a symbolic link anywhere stops the write, so nothing is
// written, read back or deleted outside the project through a planted link.
import { lstat, mkdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { WrapixError } from '../errors.js'

function componentsBelow(root: string, path: string): string[] {
  const rel = relative(root, path)
  if (rel === '' ) return []
  if (rel.startsWith('..') || rel.split(sep).includes('..')) {
    throw new WrapixError('internal', `${path} is not inside ${root}`)
  }
  const parts = rel.split(sep)
  return parts.map((_, i) => join(root, ...parts.slice(0, i + 1)))
}

const linkError = (path: string): WrapixError =>
  new WrapixError('policy', `${path} is a symbolic link`, 'wrapix writes its records only inside the project and never through a link; remove the link (and check who committed it)')

/** Throws when any existing component of `path` below `root` is a symbolic link; missing components are fine. */
export async function assertNoSymlinks(root: string, path: string): Promise<void> {
  for (const component of componentsBelow(root, path)) {
    const stat = await lstat(component).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null
      throw err
    })
    if (stat === null) return
    if (stat.isSymbolicLink()) throw linkError(component)
    if (!stat.isDirectory() && component !== path) {
      throw new WrapixError('policy', `${component} is not a directory`, 'remove it; wrapix keeps its session records below it')
    }
  }
}

/** Creates `dir` below `root` one component at a time, refusing a symbolic link at any level. */
export async function mkdirNoFollow(root: string, dir: string, mode = 0o755): Promise<void> {
  for (const component of componentsBelow(root, dir)) {
    await mkdir(component, { mode }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err
    })
    const stat = await lstat(component)
    if (stat.isSymbolicLink()) throw linkError(component)
    if (!stat.isDirectory()) throw new WrapixError('policy', `${component} is not a directory`, 'remove it; wrapix keeps its session records below it')
  }
}
