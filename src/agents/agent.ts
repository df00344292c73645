// What each agent contributes to a sandbox: its command line, environment, bootstrap files and credentials.
import type { AgentTraffic } from '../config/schema.js'
import type { AgentName, Boundary, NetworkMode, PlannedFile } from '../sandbox/plan.js'

export interface AgentContext {
  readonly boundary: Boundary
  readonly networkMode: NetworkMode
  readonly allowedHosts: readonly string[]
  /** The agent's housekeeping traffic the profile turns on (everything else is off). */
  readonly traffic: AgentTraffic
  /** What `preferences.keep` kept from this project's last session (host-owned; validated again before use). */
  readonly preferences?: unknown
  /** A fresh id for the agent's own session, when the agent lets wrapix choose it (its transcript is then found exactly). */
  readonly agentSessionId?: string
}

export interface AgentParts {
  /** The agent's own command line (used unless the user gives a command). */
  readonly command: readonly string[]
  readonly env: Readonly<Record<string, string>>
  /** Files seeded into the sandbox; those under HOME_SEED are copied into the (tmpfs) home at start. */
  readonly files: readonly PlannedFile[]
  /** Shell lines the entrypoint runs before exec'ing the command (constant text, no user input). */
  readonly setup: readonly string[]
  /** Host variables passed through when set; their values never appear in argv or records. */
  readonly credentials: readonly string[]
}

/** Preferences the user sets inside the agent, carried to the next session of the same project. */
export interface AgentPreferences {
  /** The agent's config directory in the sandbox; backed by a per-session host directory so it can be read afterwards. */
  readonly configDir: string
  /** The files in it that hold preferences. */
  readonly files: readonly string[]
  /** From the files' parsed contents (undefined when missing or not JSON) to what the next session may see. */
  keep(parsed: Readonly<Record<string, unknown>>): unknown
}

export interface Agent {
  readonly name: AgentName
  readonly binary: string
  parts(ctx: AgentContext): AgentParts
  /** One-line warnings before the agent itself starts, given the names of the variables the sandbox receives. */
  preflight?(sandboxEnvNames: ReadonlySet<string>): string[]
  readonly preferences?: AgentPreferences
}

/** A short, honest description of the sandbox, for the agent's system prompt. */
export function sandboxPrompt(ctx: AgentContext): string {
  const network =
    ctx.networkMode === 'none'
      ? 'There is no network access at all.'
      : ctx.networkMode === 'open'
        ? 'Public internet access is open, but the host, its local network and cloud metadata addresses are blocked.'
        : `Network access goes only through an HTTP proxy that allows these hosts: ${ctx.allowedHosts.join(', ') || '(none)'}. ` +
          'Other hosts are refused with HTTP 403 and DNS does not resolve; if you need another host, ask the user to rerun wrapix with --allow HOST.'
  return [
    `You are running inside a wrapix sandbox (${ctx.boundary} boundary) as an unprivileged user without sudo.`,
    'Only the project at /workspace is shared with the host and persists; your home directory is temporary.',
    network,
    'The host records this session (commands, files, network requests) outside your reach in .wrapix/, which is read-only for you.',
  ].join(' ')
}
