// The task file's front matter: zod is the single source of truth for what a task holds.
import { z } from 'zod'

export const TASK_STATUSES = ['todo', 'running', 'done', 'failed', 'blocked', 'clarify', 'conflict'] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]
/** Parked: waiting for a human (a reason, a question, or a merge conflict to resolve). */
export const PARKED: readonly TaskStatus[] = ['blocked', 'clarify', 'conflict']

const LABEL = /^[a-z0-9][a-z0-9-]{0,39}$/
export const TaskIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}-\d{3,}$/, 'use "<spec>-<number>", e.g. auth-001')
/** Folder names under .wrapix/ralph that belong to ralph itself, never a spec. */
export const RESERVED_LABELS: readonly string[] = ['logs', 'templates']
export const SpecLabelSchema = z
  .string()
  .regex(LABEL, 'use lower-case letters, digits and "-", e.g. auth')
  .refine((label) => !RESERVED_LABELS.includes(label), `${RESERVED_LABELS.join(', ')} are ralph's own folders; choose another label`)
export const ProfileNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a profile name: a-z, 0-9, "-" and "_"')

export const TaskFrontMatterSchema = z.strictObject({
  id: TaskIdSchema.describe('unique task id: the spec label and a number'),
  title: z.string().min(1).max(200).describe('one line'),
  priority: z.number().int().min(0).max(4).default(2).describe('0 is the most urgent, 4 the least'),
  dependsOn: z.array(TaskIdSchema).default([]).describe('ids of tasks that must be done first'),
  status: z.enum(TASK_STATUSES).default('todo'),
  attempts: z.number().int().nonnegative().default(0).describe('sessions started for this task'),
  profile: z.string().min(1).optional().describe('wrapix profile for this task (overrides the spec and config)'),
  note: z.string().optional().describe("why the task is parked or failed: the agent's reason or question, or wrapix's note"),
  lastFailure: z.string().optional().describe("summary of the last failed attempt, given to the next attempt's prompt"),
  answer: z.string().optional().describe("the human's answer to the agent's question"),
  sessions: z.array(z.string()).default([]).describe('wrapix session ids that served this task, oldest first'),
})
export type TaskFrontMatter = z.infer<typeof TaskFrontMatterSchema>

export interface Task extends TaskFrontMatter {
  readonly spec: string
  /** The task file, relative to the project. */
  readonly file: string
  readonly description: string
}
