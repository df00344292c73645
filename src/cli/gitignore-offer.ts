// The first session in a git project offers to keep wrapix's own folders out of commits: .wrapix/ (session
// records) and .claude/ (the agent's history). Asked once: a project with session records was asked before.
import { existsSync } from 'node:fs'
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { readCapped } from '../fs/read-capped.js'
import { logDir } from '../session/log-paths.js'
import { note, type GlobalOptions } from './output.js'

const ENTRIES = ['.wrapix/', '.claude/'] as const

/** Entries of ENTRIES that the project's top .gitignore does not list yet (in any common spelling). */
export function missingIgnores(gitignore: string): string[] {
  const lines = new Set(gitignore.split(/\r?\n/).map((l) => l.trim().replace(/^\//, '').replace(/\/?\*?$/, '')))
  return ENTRIES.filter((entry) => !lines.has(entry.slice(0, -1)))
}

export async function offerGitignore(workspace: string, globals: GlobalOptions, interactive: boolean): Promise<void> {
  if (!existsSync(join(workspace, '.git')) || existsSync(logDir(workspace))) return
  const file = join(workspace, '.gitignore')
  const read = readCapped(file, 1024 * 1024, 1_000)
  if (!read.ok && read.reason !== 'missing') return // not a plain small file: not ours to touch
  const current = read.ok ? read.text : ''
  const missing = missingIgnores(current)
  if (missing.length === 0) return
  const how = `printf '${missing.join('\\n')}\\n' >> .gitignore`
  if (!interactive || globals.input === false || globals.json) {
    note(`this project's .gitignore does not list ${missing.join(' and ')} (wrapix's records and the agent's history); to add them: ${how}`, globals)
    return
  }
  const { confirm } = await import('./prompts.js')
  if (!(await confirm(`Add ${missing.join(' and ')} to ${file}? (wrapix's session records and the agent's history)`, true))) return
  // O_NOFOLLOW: a .gitignore planted as a symbolic link must not make wrapix append to a file elsewhere.
  let handle
  try {
    handle = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644)
  } catch (err) {
    note(`did not change ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}); to add them: ${how}`, globals)
    return
  }
  try {
    await handle.write(`${current === '' || current.endsWith('\n') ? '' : '\n'}${missing.join('\n')}\n`)
  } finally {
    await handle.close()
  }
}
