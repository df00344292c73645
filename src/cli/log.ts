// `wrapix log ls|show`: list and show session records of a project. Parsing and rendering only;
// reading records lives in src/session/log-store.ts.
import type { Command } from 'commander'
import { findSessionRecord, listSessionRecords } from '../session/log-store.js'
import { logDir } from '../session/log-paths.js'
import { listEntry, renderList, renderShow } from './log-render.js'
import { note, printJson, type GlobalOptions } from './output.js'
import { projectDir } from './project-dir.js'

interface LogFlags extends GlobalOptions {
  dir?: string
}

const workspaceOf = (flags: LogFlags): string => projectDir(flags.dir ?? null)
const printLines = (lines: string[]): void => void process.stdout.write(`${lines.join('\n')}\n`)

export function registerLogCommands(program: Command): void {
  const log = program.command('log').description("session records of this project (.wrapix/log)")

  log
    .command('ls')
    .description('list sessions, newest first: when, duration, exit, agent, task, network denials')
    .option('--json', 'print JSON')
    .option('-C, --dir <dir>', 'project directory (default: the current directory)')
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<LogFlags>()
      const { records, unreadable } = await listSessionRecords(workspaceOf(flags))
      for (const u of unreadable) note(`skipped ${u.path}: ${u.reason}`, flags)
      if (flags.json) return printJson(records.map(listEntry))
      if (records.length === 0) return note(`no session records in ${logDir(workspaceOf(flags))}`, flags)
      printLines(renderList(records))
    })

  log
    .command('show')
    .description('show what one session did (default: the latest)')
    .argument('[session]', 'latest, a session id or record name, or a prefix of either', 'latest')
    .option('--json', 'print the whole record as JSON')
    .option('-C, --dir <dir>', 'project directory (default: the current directory)')
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<LogFlags>()
      const found = await findSessionRecord(workspaceOf(flags), ref)
      if (flags.json) return printJson(found.record)
      printLines(renderShow(found))
    })
}
