// The agent's prompt, rendered from an editable template: `{{name}}` placeholders and
// `{{#name}}…{{/name}}` sections shown only when the value is not empty. Rendering is pure.
import { isAbsolute, join, relative } from 'node:path'
import { WrapixError } from '../errors.js'
import { DEFAULT_TEMPLATES, type TemplateName } from './default-templates.js'
import { readProjectText } from './project-file.js'

export const RUN_TEMPLATE: TemplateName = 'run.md'

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

/** The templates folder, relative to the project; it must stay inside it. */
export function templatesPath(workspace: string, templatesDir: string): string {
  const dir = isAbsolute(templatesDir) ? templatesDir : join(workspace, templatesDir)
  const rel = relative(workspace, dir)
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new WrapixError('config', `templatesDir ${templatesDir} is outside the project`, 'keep templates in the project, e.g. .wrapix/ralph/templates')
  }
  return rel
}

/** The project's own template when it has one (never through a link), else the built-in one. */
export async function loadTemplate(workspace: string, templatesDir: string, name: TemplateName): Promise<string> {
  return (await readProjectText(workspace, join(templatesPath(workspace, templatesDir), name))) ?? DEFAULT_TEMPLATES[name]
}
