// The agent's prompt, rendered from an editable template: `{{name}}` placeholders and
// `{{#name}}…{{/name}}` sections shown only when the value is not empty. Rendering is pure.
import { readFileSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { WrapixError } from '../errors.js'

export const RUN_TEMPLATE = 'run.md'

export const DEFAULT_RUN_TEMPLATE = `You are working on one task of the spec "{{spec}}" in the project at /workspace.

# Task {{taskId}}: {{title}}

{{description}}

{{#specText}}
# The spec ({{specFile}})

{{specText}}
{{/specText}}
{{#notes}}
# Project notes

{{notes}}
{{/notes}}
{{#answer}}
# Your earlier question was answered

{{answer}}
{{/answer}}
{{#previousFailure}}
# The previous attempt failed

{{previousFailure}}
Start from the current state of the files; fix what went wrong.
{{/previousFailure}}
# How to finish

Do the task, run the project's checks, and commit your work with git (a clear message naming {{taskId}}).
Then end your final message with exactly one of these lines, on a line of its own:
RALPH_COMPLETE
RALPH_BLOCKED: <why you cannot continue>
RALPH_CLARIFY: <the question a human must answer; number options as "### Option N — title">
`

export type TemplateValues = Readonly<Record<string, string>>

const SECTION = /\{\{#([a-zA-Z]+)\}\}\n?([\s\S]*?)\{\{\/\1\}\}\n?/g
const PLACEHOLDER = /\{\{([a-zA-Z]+)\}\}/g

/** Values are inserted once: a `{{x}}` inside a value (e.g. the agent's question) is never expanded. */
export function renderTemplate(template: string, values: TemplateValues): string {
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !(name in values))
  if (unknown.length > 0) {
    throw new WrapixError('config', `the prompt template uses unknown placeholder {{${unknown[0]}}}`, `use only: ${Object.keys(values).join(', ')}`)
  }
  const sectioned = template.replace(SECTION, (_all, name: string, body: string) => ((values[name] ?? '').trim() ? body : ''))
  return sectioned.replace(PLACEHOLDER, (_all, name: string) => values[name] ?? '')
}

/** The project's own template when it has one, else the built-in one. */
export function loadTemplate(workspace: string, templatesDir: string, name: string): string {
  const dir = isAbsolute(templatesDir) ? templatesDir : join(workspace, templatesDir)
  if (relative(workspace, dir).startsWith('..')) {
    throw new WrapixError('config', `templatesDir ${templatesDir} is outside the project`, 'keep templates in the project, e.g. .wrapix/ralph/templates')
  }
  try {
    return readFileSync(join(dir, name), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_RUN_TEMPLATE
    throw err
  }
}
