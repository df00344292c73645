// One task file: YAML front matter between `---` lines, then the description. Parsing is pure.
import { stringify } from 'yaml'
import { parseYamlWith } from '../config/parse-yaml.js'
import { WrapixError } from '../errors.js'
import { TaskFrontMatterSchema, type Task, type TaskFrontMatter } from './task-schema.js'

const FENCE = '---'

/** Parses a task file; every problem names the file, the line and the field. */
export function parseTaskFile(text: string, file: string, spec: string): Task {
  const lines = text.split('\n')
  const end = lines[0]?.trimEnd() === FENCE ? lines.findIndex((line, i) => i > 0 && line.trimEnd() === FENCE) : -1
  if (end === -1) {
    throw new WrapixError('config', `${file}:1: a task file starts with YAML front matter between two "---" lines`, `fix ${file}, or create tasks with: ralph add`)
  }
  // A leading newline keeps YAML line numbers equal to the file's (the front matter starts on line 2).
  const yaml = `\n${lines.slice(1, end).join('\n')}`
  const front = parseYamlWith(TaskFrontMatterSchema, yaml, file, `fix ${file}, then check it with: ralph status`)
  if (!front.id.startsWith(`${spec}-`)) {
    throw new WrapixError('config', `${file}:2: id: "${front.id}" does not belong to spec "${spec}"`, `use an id that starts with "${spec}-"`)
  }
  return { ...front, spec, file, description: lines.slice(end + 1).join('\n').trim() }
}

/** The file text of a task: stable key order, so a human's review diff shows only what changed. */
export function formatTaskFile(task: Task): string {
  const front: TaskFrontMatter = {
    id: task.id,
    title: task.title,
    priority: task.priority,
    dependsOn: task.dependsOn,
    status: task.status,
    attempts: task.attempts,
    ...(task.profile !== undefined ? { profile: task.profile } : {}),
    ...(task.note !== undefined ? { note: task.note } : {}),
    ...(task.lastFailure !== undefined ? { lastFailure: task.lastFailure } : {}),
    ...(task.answer !== undefined ? { answer: task.answer } : {}),
    sessions: task.sessions,
  }
  return `${FENCE}\n${stringify(front, { lineWidth: 0 })}${FENCE}\n\n${task.description.trim()}\n`
}

/** A file name part from a title: lower case, words joined by "-", at most 40 characters. */
export function slugOf(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '')
  return slug || 'task'
}
