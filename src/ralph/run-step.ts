// One agent step that is not a task (`ralph todo`, `ralph check`): one fresh wrapix session like a task's
// attempt (same launcher, own record with the step as its task id, the stream in a log file), whose
// answer is the structured proposal in its final result. No retries: a refused answer is reported.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { mkdirNoFollow } from '../fs/no-symlinks.js'
import { modelFor, profileFor, RALPH_DIR, type RalphConfig } from './ralph-config.js'
import { runAttempt, type AttemptResult, type Launcher } from './run-attempt.js'
import { CLAUDE_BATCH_ARGS } from './run-task.js'
import { plainText } from './signals.js'
import { readProposal, type Proposal } from './task-proposal.js'

export type StepKind = 'todo' | 'check'

/** The record's task id and log folder of a step: `<spec>.<step>` (a task id never holds a dot). */
export const stepId = (spec: string, step: StepKind | 'plan'): string => `${spec}.${step}`

export interface StepRequest {
  readonly workspace: string
  readonly config: RalphConfig
  readonly launch: Launcher
  readonly spec: string
  readonly step: StepKind
  readonly prompt: string
  readonly timeoutMs?: number
}

export type StepOutcome =
  | { readonly proposal: Proposal; readonly sessionId: string | null; readonly logPath: string }
  | { readonly failure: string; readonly sessionId: string | null; readonly logPath: string }

const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-')

export async function runStep(req: StepRequest): Promise<StepOutcome> {
  const { workspace, config, spec } = req
  const id = stepId(spec, req.step)
  const logDir = join(workspace, RALPH_DIR, 'logs', id)
  await mkdirNoFollow(workspace, logDir)
  const earlier = (await readdir(logDir)).filter((n) => n.endsWith('.jsonl')).length
  const logPath = join(logDir, `${String(earlier + 1).padStart(2, '0')}-${stamp()}.jsonl`)
  const model = modelFor(config, spec)
  const result = await runAttempt({
    taskId: id,
    prompt: req.prompt,
    agentArgs: [...CLAUDE_BATCH_ARGS, ...(model ? ['--model', model] : [])],
    profile: profileFor(config, { spec }),
    dir: workspace,
    logPath,
    timeoutMs: req.timeoutMs ?? config.timeoutMinutes * 60_000,
    graceMs: config.watchdogGraceSeconds * 1000,
    launch: req.launch,
  })
  const failure = stepFailure(result)
  if (failure) return { failure, sessionId: result.sessionId, logPath }
  const reading = readProposal(result.final!.text)
  if ('problem' in reading) return { failure: reading.problem, sessionId: result.sessionId, logPath }
  return { proposal: reading.proposal, sessionId: result.sessionId, logPath }
}

/** Why a step's session gave no usable answer, or null when its final result can be read. Pure. */
export function stepFailure(result: Pick<AttemptResult, 'timedOut' | 'final' | 'exitCode' | 'watchdogFired'>): string | null {
  if (result.timedOut) return `the session hit its time limit and was stopped (exit code ${result.exitCode})`
  if (!result.final) return `the agent ended without a final result (exit code ${result.exitCode})`
  if (result.final.isError) return `the agent ended with an error: ${plainText(result.final.text.trim().split('\n')[0] ?? '', 200) || '(no message)'}`
  if (result.exitCode !== 0 && !result.watchdogFired) return `the agent exited with code ${result.exitCode} after its result`
  return null
}
