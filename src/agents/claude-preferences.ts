// Which of Claude Code's own settings carry over from one session of a project to the next. The files come
// back from the sandbox, so the agent (or a prompt injection) wrote them: only an allowlist of plain
// preferences with plain values survives. Anything that runs code, changes credentials, permissions, the
// environment, trust or the network (hooks, statusLine, apiKeyHelper, env, permissions, mcpServers,
// plugins, marketplaces, customApiKeyResponses, projects, autoUpdates …) is dropped.
import { z } from 'zod'

const Word = z.string().max(80).regex(/^[A-Za-z0-9][A-Za-z0-9 ._:[\]-]*$/)

/** settings.json: where /model, /theme and most of /config write (Claude Code 2.1.330). */
const SETTINGS_KEEP = {
  model: Word,
  theme: Word,
  outputStyle: Word,
  effortLevel: Word,
  alwaysThinkingEnabled: z.boolean(),
  verbose: z.boolean(),
  spinnerTipsEnabled: z.boolean(),
  includeCoAuthoredBy: z.boolean(),
  language: Word,
} as const

/** ~/.claude.json: the /config toggles that still live in the global config. */
const GLOBAL_KEEP = {
  theme: Word,
  verbose: z.boolean(),
  editorMode: z.enum(['normal', 'vim', 'emacs']),
  autoCompactEnabled: z.boolean(),
  autoScrollEnabled: z.boolean(),
  showTurnDuration: z.boolean(),
  diffTool: Word,
  preferredNotifChannel: Word,
  todoFeatureEnabled: z.boolean(),
  respectGitignore: z.boolean(),
  fileCheckpointingEnabled: z.boolean(),
  terminalProgressBarEnabled: z.boolean(),
} as const

export const ClaudePreferencesSchema = z.strictObject({
  settings: z.record(z.string(), z.unknown()).default({}),
  globalConfig: z.record(z.string(), z.unknown()).default({}),
})
export type ClaudePreferences = z.infer<typeof ClaudePreferencesSchema>

export const NO_PREFERENCES: ClaudePreferences = { settings: {}, globalConfig: {} }

function keep(source: unknown, allowed: Record<string, z.ZodType>): Record<string, unknown> {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return {}
  const kept: Record<string, unknown> = {}
  for (const [key, schema] of Object.entries(allowed)) {
    const value = (source as Record<string, unknown>)[key]
    if (Object.hasOwn(source, key) && schema.safeParse(value).success) kept[key] = value
  }
  return kept
}

/** The preferences worth keeping from the two files' parsed contents (anything else is ignored). */
export function keepClaudePreferences(files: { settings: unknown; globalConfig: unknown }): ClaudePreferences {
  return { settings: keep(files.settings, SETTINGS_KEEP), globalConfig: keep(files.globalConfig, GLOBAL_KEEP) }
}
