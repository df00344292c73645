// Codex, Gemini CLI and a plain shell: smaller bootstraps than Claude's.
import { WORKSPACE } from '../sandbox/plan.js'
import type { Agent } from './agent.js'

export const codex: Agent = {
  name: 'codex',
  binary: 'codex',
  parts: () => ({
    command: ['codex', '--dangerously-bypass-approvals-and-sandbox'],
    env: { CODEX_HOME: `${WORKSPACE}/.codex` },
    files: [],
    setup: [`mkdir -p ${WORKSPACE}/.codex`],
    credentials: ['OPENAI_API_KEY'],
  }),
}

export const gemini: Agent = {
  name: 'gemini',
  binary: 'gemini',
  parts: () => ({
    command: ['gemini', '--yolo'],
    env: {},
    files: [],
    setup: [],
    credentials: ['GEMINI_API_KEY'],
  }),
}

export const shell: Agent = {
  name: 'shell',
  binary: 'bash',
  parts: () => ({ command: ['bash', '-l'], env: {}, files: [], setup: [], credentials: [] }),
}
