// `ralph logs [TASK]`: the agent's stream of a task's newest attempt, one readable line per event,
// starting at the first error (with --all: from the start).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import chalk from 'chalk'
import { WrapixError } from '../errors.js'
import { RALPH_DIR } from '../ralph/ralph-config.js'
import { plainText } from '../ralph/signals.js'
import type { GlobalOptions } from './output.js'
import { ralphProject } from './ralph-project.js'

interface LogsFlags extends GlobalOptions {
  all?: boolean
  dir?: string
}

export async function ralphLogs(taskId: string | null, flags: LogsFlags): Promise<void> {
  const workspace = ralphProject(flags.dir)
  const file = newestLog(join(workspace, RALPH_DIR, 'logs'), taskId)
  const lines = renderStream(readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()))
  const firstError = lines.findIndex((l) => l.error)
  const from = flags.all || firstError <= 0 ? 0 : Math.max(0, firstError - 2)
  const header = from > 0 ? `${file} (from the first error; ${from} earlier events hidden, --all shows them)` : file
  process.stdout.write(`${chalk.dim(header)}\n${lines.slice(from).map((l) => l.text).join('\n')}\n`)
}

function newestLog(root: string, taskId: string | null): string {
  let tasks: string[]
  try {
    tasks = taskId ? [taskId] : readdirSync(root)
  } catch {
    tasks = []
  }
  const files = tasks.flatMap((t) => {
    try {
      return readdirSync(join(root, t)).filter((n) => n.endsWith('.jsonl')).map((n) => join(root, t, n))
    } catch {
      return []
    }
  })
  if (files.length === 0) throw new WrapixError('usage', taskId ? `no logs for task ${taskId}` : 'no task logs yet', 'logs are written by: ralph run')
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs || b.localeCompare(a))[0]!
}

export interface RenderedLine {
  readonly text: string
  readonly error: boolean
}

type Block = { type: string; text?: string; name?: string; input?: unknown; content?: unknown; is_error?: boolean }

// Everything here came from the sandbox: no escape sequences reach the terminal.
const clip = (text: string, max = 300): string => plainText(text, max).replace(/\n/g, '\n    ')

/** One readable line per stream-json event (claude -p --output-format stream-json --verbose). */
export function renderStream(lines: readonly string[]): RenderedLine[] {
  const out: RenderedLine[] = []
  for (const line of lines) {
    let event: { type?: string; subtype?: string; message?: { content?: Block[] }; result?: string; is_error?: boolean; text?: string; model?: string }
    try {
      event = JSON.parse(line)
    } catch {
      out.push({ text: chalk.dim(clip(line)), error: false })
      continue
    }
    if (event.type === 'system') out.push({ text: chalk.dim(`· ${event.subtype ?? 'system'}${event.model ? ` (${event.model})` : ''}`), error: false })
    else if (event.type === 'wrapix_stderr') out.push({ text: chalk.red(`stderr: ${clip(event.text ?? '')}`), error: true })
    else if (event.type === 'result') {
      out.push({ text: (event.is_error ? chalk.red : chalk.green)(`■ result${event.is_error ? ' (error)' : ''}: ${clip(event.result ?? '', 2000)}`), error: Boolean(event.is_error) })
    } else for (const block of event.message?.content ?? []) out.push(renderBlock(block))
  }
  return out
}

function renderBlock(block: Block): RenderedLine {
  if (block.type === 'text') return { text: clip(block.text ?? '', 2000), error: false }
  if (block.type === 'tool_use') return { text: chalk.cyan(`▶ ${block.name}: ${clip(JSON.stringify(block.input ?? {}), 200)}`), error: false }
  if (block.type === 'tool_result') {
    const content = typeof block.content === 'string' ? block.content : JSON.stringify(block.content ?? '')
    return { text: (block.is_error ? chalk.red : chalk.dim)(`◀ ${clip(content)}`), error: Boolean(block.is_error) }
  }
  return { text: chalk.dim(`· ${block.type}`), error: false }
}
