// Claude Code's housekeeping traffic (updater, plugin marketplace, telemetry, error reports, surveys): which
// of its switches turn each kind off. Measured on 2.1.330: an interactive start with all of these set makes
// no network request at all; without CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL it tries
// downloads.claude.ai:443, then github.com:443 and github.com:22, even with the umbrella switch set.
import type { AgentTraffic } from '../config/schema.js'

/** The environment switches that turn each kind of traffic off. */
const OFF_SWITCHES: Record<keyof AgentTraffic, readonly string[]> = {
  autoUpdate: ['DISABLE_AUTOUPDATER'],
  pluginMarketplace: ['CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL'],
  telemetry: ['DISABLE_TELEMETRY'],
  errorReporting: ['DISABLE_ERROR_REPORTING'],
  feedbackSurveys: ['CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY'],
}

/** Covers updater, telemetry and error reports at once; set only while none of them is wanted. */
const UMBRELLA = 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC'

export function claudeTrafficEnv(traffic: AgentTraffic): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [kind, names] of Object.entries(OFF_SWITCHES) as [keyof AgentTraffic, readonly string[]][]) {
    if (traffic[kind] !== true) for (const name of names) env[name] = '1'
  }
  if (Object.values(traffic).every((on) => on !== true)) env[UMBRELLA] = '1'
  return env
}

/** Claude Code's own settings.json switches that match the env switches (its updater reads both). */
export const claudeTrafficSettings = (traffic: AgentTraffic): Record<string, unknown> =>
  traffic.autoUpdate === true ? {} : { autoUpdates: false }
