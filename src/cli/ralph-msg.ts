// `ralph msg` (the agent's open questions, and answering them) and `ralph add` (a new task file).
import { WrapixError } from '../errors.js'
import { addTask, loadTasks, saveTask } from '../ralph/task-store.js'
import { printJson, type GlobalOptions } from './output.js'
import { ralphProject } from './ralph-project.js'

interface MsgFlags extends GlobalOptions {
  answer?: string
  dir?: string
}

/** Options the agent offered as `### Option N — title` lines. */
export function optionsOf(question: string): Map<number, string> {
  const options = new Map<number, string>()
  for (const match of question.matchAll(/^#{1,6}\s*Option\s+(\d+)\s*[\u2014\u2013:-]\s*(.+)$/gm)) options.set(Number(match[1]), match[2]!.trim())
  return options
}

export async function ralphMsg(taskId: string | null, flags: MsgFlags): Promise<void> {
  const workspace = ralphProject(flags.dir)
  const questions = loadTasks(workspace).filter((t) => t.status === 'clarify')
  if (!taskId) {
    if (flags.answer !== undefined) throw new WrapixError('usage', '--answer needs the task it answers', 'ralph msg TASK --answer "…"')
    if (flags.json) return printJson(questions.map((t) => ({ id: t.id, title: t.title, question: t.note ?? '' })))
    if (questions.length === 0) return void process.stdout.write('no open questions\n')
    for (const t of questions) process.stdout.write(`${t.id}  ${t.title}\n  ${(t.note ?? '').replace(/\n/g, '\n  ')}\n`)
    return
  }
  const task = questions.find((t) => t.id === taskId)
  if (!task) throw new WrapixError('usage', `task ${taskId} has no open question`, 'list the open questions with: ralph msg')
  if (flags.answer === undefined) return void process.stdout.write(`${task.id}  ${task.title}\n  ${(task.note ?? '').replace(/\n/g, '\n  ')}\n`)
  const answer = chosenAnswer(task.note ?? '', flags.answer)
  const { note: _question, ...rest } = task
  await saveTask(workspace, { ...rest, status: 'todo', answer: `Question: ${task.note ?? ''}\nAnswer: ${answer}` })
  process.stdout.write(`${task.id}: answered; it is ready again\n`)
}

function chosenAnswer(question: string, raw: string): string {
  const text = raw.trim()
  if (!text) throw new WrapixError('usage', '--answer is empty', 'give your answer, or the number of an option')
  if (!/^\d+$/.test(text)) return text
  const options = optionsOf(question)
  const option = options.get(Number(text))
  if (options.size > 0 && !option) throw new WrapixError('usage', `the question has no option ${text}`, `choose one of: ${[...options.keys()].join(', ')}`)
  return option ? `Option ${text} — ${option}` : text
}

interface AddFlags extends GlobalOptions {
  spec: string
  description?: string
  priority?: string
  dependsOn?: string[]
  profile?: string
  dir?: string
}

export async function ralphAdd(title: string, flags: AddFlags): Promise<void> {
  const workspace = ralphProject(flags.dir)
  const priority = flags.priority === undefined ? undefined : Number(flags.priority)
  if (priority !== undefined && !/^[0-4]$/.test(flags.priority!.trim())) throw new WrapixError('usage', `--priority ${flags.priority} is out of range`, 'use 0 (most urgent) to 4')
  const task = await addTask(workspace, {
    spec: flags.spec,
    title,
    description: flags.description ?? title,
    ...(priority !== undefined ? { priority } : {}),
    ...(flags.dependsOn ? { dependsOn: flags.dependsOn } : {}),
    ...(flags.profile ? { profile: flags.profile } : {}),
  })
  if (flags.json) return printJson(task)
  process.stdout.write(`${task.id}: ${task.file}\n`)
}
