// Carrying the agent's own preferences (model, theme, /config) from one session of a project to the next,
// without the host's agent config: after the session wrapix reads the few preference files the agent wrote
// in its (host-backed) config directory, keeps what the agent's allowlist keeps, and stores that in
// wrapix's state directory. The files come from the sandbox: never followed through links, size-capped,
// and a broken one is ignored rather than trusted.
import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { mkdir, open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Agent } from '../agents/agent.js'
import { writeFileAtomic } from '../fs/atomic-write.js'

const MAX_FILE_BYTES = 256 * 1024

/** `<stateDir>/preferences/<agent>/<hash of the project path>.json`: one per project, host-owned. */
export const agentPreferencesFile = (stateDir: string, agent: string, workspace: string): string =>
  join(stateDir, 'preferences', agent, `${createHash('sha256').update(workspace).digest('hex').slice(0, 24)}.json`)

/** What the last session of this project kept, or undefined (none yet, or unreadable: start fresh). */
export async function loadAgentPreferences(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

/** Reads a file the sandbox wrote: a regular file, not through a link, at most MAX_FILE_BYTES, parsed as JSON. */
async function readSandboxJson(path: string): Promise<unknown> {
  let handle
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch {
    return undefined // missing, or a symbolic link
  }
  try {
    const info = await handle.stat()
    if (!info.isFile() || info.size > MAX_FILE_BYTES) return undefined
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    if (bytesRead > MAX_FILE_BYTES) return undefined
    return JSON.parse(buffer.subarray(0, bytesRead).toString('utf8')) as unknown
  } catch {
    return undefined
  } finally {
    await handle.close()
  }
}

/** After the session: keep the agent's preferences from its config directory for the next session. */
export async function saveAgentPreferences(agent: Agent, configDir: string, file: string): Promise<void> {
  if (!agent.preferences) return
  const parsed: Record<string, unknown> = {}
  for (const name of agent.preferences.files) parsed[name] = await readSandboxJson(join(configDir, name))
  await mkdir(join(file, '..'), { recursive: true, mode: 0o700 })
  await writeFileAtomic(file, `${JSON.stringify(agent.preferences.keep(parsed), null, 2)}\n`, 0o600)
}
