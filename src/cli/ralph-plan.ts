// `ralph plan -n LABEL` / `-u LABEL`: an interactive agent session in the sandbox that interviews you and
// writes (or updates) specs/LABEL.md. The session is a normal wrapix session with `<label>.plan` as its
// task id in the record; the spec is the agent's work product, reviewed and committed by you.
import { join } from 'node:path'
import { WrapixError } from '../errors.js'
import { mkdirNoFollow } from '../fs/no-symlinks.js'
import { loadTemplate, renderTemplate } from '../ralph/prompt-template.js'
import { readProjectText } from '../ralph/project-file.js'
import { loadRalphConfig, modelFor, profileFor } from '../ralph/ralph-config.js'
import { stepId } from '../ralph/run-step.js'
import { specFile } from '../ralph/task-store.js'
import { checkLabel } from '../ralph/todo.js'
import { note, warn, type GlobalOptions } from './output.js'
import type { RalphPlanFlags } from './ralph-commands.js'
import { checkRalphRunOptions } from './ralph-launcher.js'
import { ralphProject } from './ralph-project.js'
import { runCommand } from './run-action.js'

export async function ralphPlan(flags: RalphPlanFlags, globals: GlobalOptions): Promise<number> {
  const { new: created, update, dir, ...raw } = flags
  checkRalphRunOptions(raw, 'plan')
  if (Boolean(created) === Boolean(update)) throw new WrapixError('usage', 'ralph plan needs one of -n LABEL (a new spec) or -u LABEL (update one)', 'e.g. ralph plan -n auth')
  const spec = (created ?? update)!
  checkLabel(spec)
  const workspace = ralphProject(dir)
  const rel = specFile(spec)
  const before = await readProjectText(workspace, rel)
  if (created && before !== null) throw new WrapixError('usage', `${rel} exists already`, `update it with: ralph plan -u ${spec}`)
  if (update && before === null) throw new WrapixError('usage', `there is no ${rel} to update`, `start it with: ralph plan -n ${spec}`)
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new WrapixError('usage', 'ralph plan is an interview: it needs a terminal', 'run it in a terminal')
  await mkdirNoFollow(workspace, join(workspace, 'specs'))
  const config = loadRalphConfig(workspace)
  const prompt = renderTemplate(await loadTemplate(workspace, config.templatesDir, 'plan.md'), { spec, specFile: rel, update: update ? 'yes' : '' })
  const model = modelFor(config, spec)
  const profile = profileFor(config, { spec })
  // Interactive: the prompt is claude's first message; no -p, no stream: the session is yours.
  const exitCode = await runCommand(
    { dir: workspace, raw: { ...raw, agent: 'claude', ...(raw.profile || !profile ? {} : { profile }) }, command: null, shell: false, globals },
    { taskId: stepId(spec, 'plan'), agentArgs: [...(model ? ['--model', model] : []), prompt] },
  )
  const after = await readProjectText(workspace, rel)
  if (after === null || after === before) {
    warn(`the session ended without ${created ? 'writing' : 'changing'} ${rel}`, globals)
    return exitCode === 0 ? 1 : exitCode
  }
  note(`${created ? 'wrote' : 'updated'} ${rel}; next: review it, commit it (git add ${rel} && git commit), then: ralph todo --spec ${spec}`, globals)
  return exitCode
}
