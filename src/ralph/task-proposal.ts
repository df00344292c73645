// Tasks proposed by an agent (`ralph todo`, `ralph check`) as structured data in its final result. The
// agent's output is hostile input: one fenced JSON block, size and counts capped, validated with zod,
// titles never become paths (file names are the host's number and slug), dependencies must name real
// tasks, and any problem refuses the whole proposal. Pure.
import { join } from 'node:path'
import { z } from 'zod'
import { formatTaskFile, parseTaskFile, slugOf } from './task-file.js'
import { ProfileNameSchema, TaskIdSchema, type Task, type TaskStatus } from './task-schema.js'

export const PROPOSAL_FENCE = 'ralph-tasks'
export const MAX_PROPOSED_TASKS = 30
export const MAX_PROPOSAL_BYTES = 128 * 1024
export const MAX_DESCRIPTION_CHARS = 8000
const MAX_DEPENDENCIES = 20

// No control characters (a title is one line; a description may hold newlines and tabs) and no bidi
// overrides, which would make a terminal show something other than what is stored.
const BIDI = '\\u202a-\\u202e\\u2066-\\u2069'
const ONE_LINE = new RegExp(`^[^\\x00-\\x1f\\x7f-\\x9f${BIDI}]*$`)
const TEXT = new RegExp(`^[^\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f${BIDI}]*$`)

export const ProposedTaskSchema = z.strictObject({
  title: z.string().trim().min(1).max(200).regex(ONE_LINE, 'one line, without control characters'),
  description: z.string().trim().min(1).max(MAX_DESCRIPTION_CHARS).regex(TEXT, 'text without control characters'),
  priority: z.number().int().min(0).max(4).default(2),
  dependsOn: z
    .array(z.union([z.number().int().min(1), TaskIdSchema]))
    .max(MAX_DEPENDENCIES)
    .default([])
    .describe('the number (1, 2, …) of an earlier task in this list, or the id of an existing task'),
  profile: ProfileNameSchema.optional(),
})

export const ProposalSchema = z.strictObject({
  tasks: z.array(ProposedTaskSchema).max(MAX_PROPOSED_TASKS, `at most ${MAX_PROPOSED_TASKS} tasks at once`),
  summary: z.string().max(2000).regex(TEXT, 'text without control characters').optional(),
})
export type Proposal = z.infer<typeof ProposalSchema>

export type ProposalReading = { readonly proposal: Proposal } | { readonly problem: string }

const BLOCK = new RegExp(`^\`\`\`${PROPOSAL_FENCE}[ \\t]*\\r?\\n([\\s\\S]*?)\\r?\\n\`\`\`[ \\t]*$`, 'gm')

/** The proposal in an agent's final result text: exactly one ```ralph-tasks block of valid JSON. */
export function readProposal(text: string): ProposalReading {
  const blocks = [...text.matchAll(BLOCK)].map((m) => m[1]!)
  if (blocks.length === 0) return { problem: `the final result has no \`\`\`${PROPOSAL_FENCE} block` }
  if (blocks.length > 1) return { problem: `the final result has ${blocks.length} \`\`\`${PROPOSAL_FENCE} blocks; exactly one is needed` }
  const block = blocks[0]!
  const bytes = Buffer.byteLength(block)
  if (bytes > MAX_PROPOSAL_BYTES) return { problem: `the ${PROPOSAL_FENCE} block is ${Math.ceil(bytes / 1024)} KiB; the limit is ${MAX_PROPOSAL_BYTES / 1024} KiB` }
  let data: unknown
  try {
    data = JSON.parse(block)
  } catch (err) {
    return { problem: `the ${PROPOSAL_FENCE} block is not valid JSON: ${(err as Error).message.split('\n')[0]}` }
  }
  const parsed = ProposalSchema.safeParse(data)
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((issue) => `${fieldOf(issue.path)}: ${issueText(issue)}`)
    const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : ''
    return { problem: `${issues.join('; ')}${more}` }
  }
  return { proposal: parsed.data }
}

/** `tasks[2].title` (1-based task numbers, as the agent counts them). */
function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)'
  return path
    .map((part, i) => (typeof part === 'number' ? (path[i - 1] === 'tasks' ? `[${part + 1}]` : `[${part}]`) : i === 0 ? String(part) : `.${String(part)}`))
    .join('')
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
  return issue.message
}

export interface PlanOptions {
  readonly spec: string
  /** The spec's tasks as they are now. */
  readonly existing: readonly Task[]
  /** Profiles the agent may give a task (ralph's `taskProfiles`). */
  readonly allowedProfiles: readonly string[]
  /** Where task files live, relative to the project (`.wrapix/ralph/<spec>`). */
  readonly tasksDir: string
  /** Every new task starts with this status and note (a fix-up parked for a human). */
  readonly park?: { readonly status: TaskStatus; readonly note: string }
}

export interface PlannedTasks {
  readonly tasks: readonly Task[]
  /** Titles the agent proposed again, with the task that already holds them. */
  readonly skipped: readonly { title: string; id: string }[]
}

const sameTitle = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase()

/** The task files a proposal adds, validated as a whole: the first problem refuses all of them. */
export function planTasks(proposal: Proposal, opts: PlanOptions): PlannedTasks | { problem: string } {
  const ids = new Set(opts.existing.map((t) => t.id))
  const numbers = opts.existing.map((t) => Number(t.id.slice(opts.spec.length + 1)))
  let next = Math.max(0, ...numbers) + 1
  /** Proposal position (0-based) -> the id it became (a new task, or the existing task it repeats). */
  const idOf: string[] = []
  const tasks: Task[] = []
  const skipped: { title: string; id: string }[] = []
  for (const [index, proposed] of proposal.tasks.entries()) {
    const field = `tasks[${index + 1}]`
    const dependsOn: string[] = []
    for (const dep of proposed.dependsOn) {
      if (typeof dep === 'number') {
        if (dep > index) return { problem: `${field}.dependsOn: ${dep} is not an earlier task in this list (list tasks in the order they can be done)` }
        dependsOn.push(idOf[dep - 1]!)
      } else {
        if (!ids.has(dep)) return { problem: `${field}.dependsOn: no task ${dep} in spec ${opts.spec}` }
        dependsOn.push(dep)
      }
    }
    if (proposed.profile !== undefined && !opts.allowedProfiles.includes(proposed.profile)) {
      const allowed = opts.allowedProfiles.length > 0 ? opts.allowedProfiles.join(', ') : 'none'
      return { problem: `${field}.profile: "${proposed.profile}" is not a profile the agent may choose (taskProfiles in .wrapix/ralph/config.yaml: ${allowed})` }
    }
    const repeated = [...opts.existing, ...tasks].find((t) => sameTitle(t.title, proposed.title))
    if (repeated) {
      idOf.push(repeated.id)
      skipped.push({ title: proposed.title, id: repeated.id })
      continue
    }
    const number = String(next++).padStart(3, '0')
    const task: Task = {
      id: `${opts.spec}-${number}`,
      title: proposed.title,
      priority: proposed.priority,
      dependsOn: [...new Set(dependsOn)],
      status: opts.park?.status ?? 'todo',
      attempts: 0,
      ...(proposed.profile !== undefined ? { profile: proposed.profile } : {}),
      ...(opts.park ? { note: opts.park.note } : {}),
      sessions: [],
      spec: opts.spec,
      file: join(opts.tasksDir, `${number}-${slugOf(proposed.title)}.md`),
      description: proposed.description,
    }
    // The same parser a later run uses: the proposal never writes a file `run` would refuse.
    try {
      parseTaskFile(formatTaskFile(task), task.file, task.spec)
    } catch (err) {
      return { problem: `${field}: ${(err as Error).message}` }
    }
    ids.add(task.id)
    idOf.push(task.id)
    tasks.push(task)
  }
  return { tasks, skipped }
}

/** The answer format, as the todo and check templates show it to the agent ({{taskFormat}}). */
export function taskFormatText(spec: string, allowedProfiles: readonly string[]): string {
  return `End your final message with exactly one block in this form: JSON in a fenced block labelled ${PROPOSAL_FENCE}.

\`\`\`${PROPOSAL_FENCE}
{"tasks": [
  {"title": "Add the parser", "description": "What to do, and how to know it is done.", "priority": 1},
  {"title": "Use the parser in the CLI", "description": "…", "priority": 2, "dependsOn": [1]}
]}
\`\`\`

- title: one line (at most 200 characters); description: at most ${MAX_DESCRIPTION_CHARS} characters.
- priority: 0 (most urgent) to 4; default 2.
- dependsOn: tasks that must be done first: the number (1, 2, …) of an earlier task in this list, or the
  id of an existing task of this spec (e.g. ${spec}-001).
${allowedProfiles.length > 0 ? `- profile (optional): the wrapix profile for this task, one of: ${allowedProfiles.join(', ')}.\n` : ''}- At most ${MAX_PROPOSED_TASKS} tasks. An empty list ({"tasks": []}) means there is nothing to add.
- You may add "summary": one short paragraph for the human.`
}
