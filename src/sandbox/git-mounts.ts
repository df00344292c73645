// Planning the sandbox's view of git: its own session git dir where git looks, the host's object store
// read-only, and never the host's `.git` (whose config, hooks and redirects the host's git obeys). Pure.
import { join } from 'node:path'
import type { GitLayout } from '../git/git-layout.js'
import { WrapixError } from '../errors.js'
import { SANDBOX_GIT_DIR, SANDBOX_HOST_OBJECTS, WORKSPACE, type PlannedBind, type PlannedGit } from './plan.js'

export interface GitMounts {
  readonly git: PlannedGit
  /** Over /workspace/.git: placed right after the workspace bind. */
  readonly dotGit: readonly PlannedBind[]
  /** Inside FILES_ROOT: placed after its bind. */
  readonly inFiles: readonly PlannedBind[]
}

export function planGitMounts(layout: GitLayout, sessionDir: string): GitMounts {
  if (layout.kind === 'none') return { git: { layout, sessionGitDir: null, dotGitFile: null }, dotGit: [], inFiles: [] }
  const entryType = layout.entry.type
  if (entryType !== 'dir' && entryType !== 'file') {
    throw new WrapixError('policy', `${layout.dotGit} is a ${entryType === 'symlink' ? 'symbolic link' : 'special file'}`,
      'wrapix keeps the host\'s git out of the sandbox\'s reach and cannot do that through a link; replace it with the directory or a "gitdir:" file')
  }
  const sessionGitDir = join(sessionDir, 'git')
  const objects: PlannedBind[] =
    layout.kind === 'unsupported' ? [] : [{ kind: 'bind', source: join(layout.commonDir, 'objects'), dest: SANDBOX_HOST_OBJECTS, readOnly: true }]
  const dest = `${WORKSPACE}/.git`
  if (entryType === 'dir') {
    return {
      git: { layout, sessionGitDir, dotGitFile: null },
      dotGit: [{ kind: 'bind', source: sessionGitDir, dest, readOnly: false }],
      inFiles: objects,
    }
  }
  const dotGitFile = join(sessionDir, 'dot-git')
  return {
    git: { layout, sessionGitDir, dotGitFile },
    dotGit: [{ kind: 'bind', source: dotGitFile, dest, readOnly: true }],
    inFiles: [{ kind: 'bind', source: sessionGitDir, dest: SANDBOX_GIT_DIR, readOnly: false }, ...objects],
  }
}
