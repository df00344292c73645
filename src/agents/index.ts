// The agent registry: one entry per AgentName, checked at compile time.
import type { AgentName } from '../sandbox/plan.js'
import type { Agent } from './agent.js'
import { claude } from './claude.js'
import { codex, gemini, shell } from './others.js'

export const AGENTS = { claude, codex, gemini, shell } as const satisfies Record<AgentName, Agent>

export const agentFor = (name: AgentName): Agent => AGENTS[name]
