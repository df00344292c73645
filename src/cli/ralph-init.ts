// `ralph init`: specs/, ralph's config and the prompt templates as editable files; what exists is kept.
import chalk from 'chalk'
import { initProject } from '../ralph/init-project.js'
import { note, printJson, type GlobalOptions } from './output.js'
import { ralphProject } from './ralph-project.js'

export async function ralphInit(flags: GlobalOptions & { dir?: string }): Promise<void> {
  const workspace = ralphProject(flags.dir)
  const entries = await initProject(workspace)
  if (flags.json) return printJson(entries)
  if (!flags.quiet) for (const e of entries) process.stdout.write(`${e.created ? chalk.green('created') : chalk.dim('kept   ')}  ${e.path}\n`)
  note('next: write a spec with the agent: ralph plan -n LABEL (e.g. ralph plan -n auth)', flags)
}
