// `ralph init`: the files a project needs for ralph, each created only when it is not there yet (a human's
// edits are never replaced), never through a committed link. No git operations.
import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import { createFileAtomic } from '../fs/atomic-write.js'
import { assertNoSymlinks, mkdirNoFollow } from '../fs/no-symlinks.js'
import { DEFAULT_TEMPLATES, TEMPLATE_NAMES } from './default-templates.js'
import { templatesPath } from './prompt-template.js'
import { loadRalphConfig, RALPH_DIR } from './ralph-config.js'

export const SPECS_DIR = 'specs'

export const CONFIG_TEMPLATE = `# ralph's settings (all optional; the values shown are the defaults).
# profile: rust              # wrapix profile for every step (default: wrapix's usual choice)
# model: claude-sonnet-4-5   # the agent's model
# maxRetries: 2              # retries after a failed attempt
# maxIterations: 3           # review rounds of \`ralph check\` that add fix-ups before one is parked
# timeoutMinutes: 30         # per-attempt time limit
# watchdogGraceSeconds: 5    # how long the agent may linger after its final result
# parallel: 1                # tasks at once
# templatesDir: .wrapix/ralph/templates
# taskProfiles: []           # profiles the todo and check agents may give a task
# specs:                     # per spec, by label
#   auth:
#     profile: python
`

export interface InitEntry {
  /** Relative to the project. */
  readonly path: string
  readonly created: boolean
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false
      throw err
    },
  )
}

async function createIfMissing(workspace: string, rel: string, content: string): Promise<InitEntry> {
  const path = join(workspace, rel)
  await assertNoSymlinks(workspace, path)
  if (await exists(path)) return { path: rel, created: false }
  await mkdirNoFollow(workspace, join(path, '..'))
  await createFileAtomic(path, content)
  return { path: rel, created: true }
}

export async function initProject(workspace: string): Promise<InitEntry[]> {
  const entries: InitEntry[] = []
  const specs = join(workspace, SPECS_DIR)
  const hadSpecs = await exists(specs)
  await mkdirNoFollow(workspace, specs)
  entries.push({ path: `${SPECS_DIR}/`, created: !hadSpecs })
  entries.push(await createIfMissing(workspace, join(RALPH_DIR, 'config.yaml'), CONFIG_TEMPLATE))
  // The templates go where the (possibly existing) config says.
  const dir = templatesPath(workspace, loadRalphConfig(workspace).templatesDir)
  for (const name of TEMPLATE_NAMES) entries.push(await createIfMissing(workspace, join(dir, name), DEFAULT_TEMPLATES[name]))
  return entries
}
