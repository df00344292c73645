// The agent transcript part of a record, per agent: parse what the agent leaves on the host, or say
// why there is nothing to parse.
import { join } from 'node:path'
import { findClaudeTranscripts, summarizeClaudeTranscripts } from '../agents/claude-transcript.js'
import type { Transcript } from '../agents/transcript-summary.js'
import type { AgentName } from '../sandbox/plan.js'

/** Claude's config dir in the sandbox is /workspace/.claude, i.e. `<workspace>/.claude` on the host. */
const SANDBOX_WORKDIR = '/workspace'
const claudeConfigDirOnHost = (workspace: string): string => join(workspace, '.claude')

export interface TranscriptQuery {
  agent: AgentName
  workspace: string
  startMs: number
  /** The agent's session id when wrapix chose it (claude --session-id): picks exactly its files. */
  agentSessionId?: string | null
}

export async function summarizeAgentTranscript(q: TranscriptQuery): Promise<Transcript> {
  switch (q.agent) {
    case 'claude':
      return summarizeClaude(q)
    case 'codex':
      return { available: false, reason: 'codex keeps its transcripts in the sandbox home (a tmpfs); they are not kept' }
    case 'gemini':
      return { available: false, reason: 'gemini keeps its transcripts in the sandbox home (a tmpfs); they are not kept' }
    case 'shell':
      return { available: false, reason: 'a shell session has no agent transcript' }
  }
}

async function summarizeClaude(q: TranscriptQuery): Promise<Transcript> {
  let files = await findClaudeTranscripts(claudeConfigDirOnHost(q.workspace), SANDBOX_WORKDIR, q.startMs)
  if (q.agentSessionId) {
    const id = q.agentSessionId
    // its own file, and its subagents' files in the folder named after it
    files = files.filter((f) => f.endsWith(`/${id}.jsonl`) || f.includes(`/${id}/`))
  }
  if (files.length === 0) return { available: false, reason: 'claude wrote no transcript during this session' }
  try {
    return await summarizeClaudeTranscripts(files)
  } catch (err) {
    return { available: false, reason: `the claude transcript could not be read: ${(err as Error).message}` }
  }
}
