// `ralph status [--json] [--watch]`: the queue per spec from the task files and the session records.
import chalk from 'chalk'
import { setTimeout as sleep } from 'node:timers/promises'
import { progressBar, queueStatus, type SpecStatus } from '../ralph/queue-status.js'
import { loadTasks } from '../ralph/task-store.js'
import { listSessionRecords } from '../session/log-store.js'
import { printJson, type GlobalOptions } from './output.js'
import { ralphProject } from './ralph-project.js'

interface StatusFlags extends GlobalOptions {
  watch?: boolean
  dir?: string
}

const WATCH_INTERVAL_MS = 2000

export async function ralphStatus(flags: StatusFlags): Promise<void> {
  const workspace = ralphProject(flags.dir)
  const read = async (): Promise<SpecStatus[]> => queueStatus(loadTasks(workspace), (await listSessionRecords(workspace)).records.map((r) => r.record))
  if (flags.json) return printJson(await read())
  if (!flags.watch) return void process.stdout.write(renderStatus(await read()))
  for (;;) {
    process.stdout.write(`\x1b[H\x1b[2J${renderStatus(await read())}`)
    await sleep(WATCH_INTERVAL_MS)
  }
}

const STATE_COLOUR = { done: chalk.green, running: chalk.cyan, ready: chalk.white, waiting: chalk.dim, parked: chalk.yellow, failed: chalk.red }

export function renderStatus(specs: readonly SpecStatus[]): string {
  if (specs.length === 0) return 'no tasks yet (add one with: ralph add --spec LABEL "title")\n'
  const lines: string[] = []
  for (const spec of specs) {
    const { counts } = spec
    const summary = (['done', 'running', 'ready', 'waiting', 'parked', 'failed'] as const).map((s) => `${counts[s]} ${s}`).join(', ')
    lines.push(`${chalk.bold(spec.spec)} ${progressBar(counts.done, spec.tasks.length)}  ${summary}`)
    for (const t of spec.tasks) {
      const usage = t.attempts > 0 ? `  ${t.attempts} attempt${t.attempts === 1 ? '' : 's'}, ${formatDuration(t.durationMs)}, ${t.tokens} tokens, $${t.costUsd.toFixed(4)}` : ''
      lines.push(`  ${STATE_COLOUR[t.state](t.state.padEnd(7))} ${t.id}  ${t.title}${usage}`)
      if (t.note && t.state !== 'done') lines.push(`          ${chalk.dim(t.note)}`)
    }
  }
  return `${lines.join('\n')}\n`
}

const formatDuration = (ms: number): string => (ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`)
