// ralph's settings: `.wrapix/ralph/config.yaml` (a project file). It chooses loop settings and a profile
// name only; a project profile still needs the host's approval, so the file can never widen the sandbox.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { parseYamlWith } from '../config/parse-yaml.js'
import { ProfileNameSchema } from './task-schema.js'

const ModelSchema = z.string().regex(/^[A-Za-z0-9._:-]+$/, 'a model name such as claude-sonnet-4-5')

const SpecSettingsSchema = z.strictObject({
  profile: z.string().min(1).optional().describe('wrapix profile for this spec'),
  model: ModelSchema.optional(),
})

export const RalphConfigSchema = z.strictObject({
  profile: z.string().min(1).optional().describe('wrapix profile for every task (default: the wrapix config)'),
  model: ModelSchema.optional().describe("the agent's model (claude --model)"),
  maxRetries: z.number().int().min(0).max(10).default(2).describe('retries after a failed attempt'),
  maxIterations: z.number().int().min(0).max(20).default(3).describe('review rounds of `ralph check` that add fix-ups before one is parked for a human'),
  timeoutMinutes: z.number().positive().max(24 * 60).default(30).describe('per-attempt time limit'),
  watchdogGraceSeconds: z.number().positive().max(300).default(5).describe('how long the agent may linger after its final result'),
  parallel: z.number().int().min(1).max(16).default(1).describe('tasks run at once'),
  templatesDir: z.string().default('.wrapix/ralph/templates').describe('prompt templates, relative to the project'),
  taskProfiles: z.array(ProfileNameSchema).max(20).default([]).describe('profiles the todo and check agents may give a task (default: none)'),
  specs: z.record(z.string(), SpecSettingsSchema).default({}).describe('per-spec settings, by label'),
})
export type RalphConfig = z.infer<typeof RalphConfigSchema>

export const RALPH_DIR = join('.wrapix', 'ralph')
export const ralphConfigFile = (workspace: string): string => join(workspace, RALPH_DIR, 'config.yaml')

/** Only a missing file means defaults; anything unreadable or invalid stops the run. */
export function loadRalphConfig(workspace: string): RalphConfig {
  const file = ralphConfigFile(workspace)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return RalphConfigSchema.parse({})
    throw err
  }
  return parseYamlWith(RalphConfigSchema, text, file, `fix ${file}`)
}

/** The profile for a task: the task's own, then its spec's, then ralph's, then wrapix's usual choice. */
export function profileFor(config: RalphConfig, task: { spec: string; profile?: string | undefined }): string | undefined {
  return task.profile ?? config.specs[task.spec]?.profile ?? config.profile
}

export function modelFor(config: RalphConfig, spec: string): string | undefined {
  return config.specs[spec]?.model ?? config.model
}
