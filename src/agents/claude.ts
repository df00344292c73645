// Claude Code: first-run dialogs pre-answered (onboarding, trust, bypass mode, the API key), housekeeping
// traffic off unless the profile wants it, history kept in /workspace/.claude.
import { HOME_SEED, SANDBOX_HOME, WORKSPACE } from '../sandbox/plan.js'
import { sandboxPrompt, type Agent } from './agent.js'
import { approveApiKeyLines, claudeCredentialWarning } from './claude-auth.js'
import { keepClaudePreferences, NO_PREFERENCES } from './claude-preferences.js'
import { claudeTrafficEnv, claudeTrafficSettings } from './claude-traffic.js'

export const CLAUDE_CONFIG_DIR = `${SANDBOX_HOME}/.claude`
/** Claude keeps per-project history in $CLAUDE_CONFIG_DIR/projects; we link it into the project so /resume works. */
export const CLAUDE_PROJECTS_DIR = `${WORKSPACE}/.claude/projects`

export const claude: Agent = {
  name: 'claude',
  binary: 'claude',
  parts(ctx) {
    // Stored by wrapix on the host, but written by an earlier sandbox: filtered again, and wrapix's own answers win.
    const kept = ctx.preferences === undefined ? NO_PREFERENCES : keepClaudePreferences(ctx.preferences as { settings: unknown; globalConfig: unknown })
    const globalConfig = {
      ...kept.globalConfig,
      hasCompletedOnboarding: true,
      bypassPermissionsModeAccepted: true,
      ...claudeTrafficSettings(ctx.traffic),
      customApiKeyResponses: { approved: [], rejected: [] }, // filled in at start: see approveApiKeyLines
      projects: { [WORKSPACE]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true, allowedTools: [] } },
    }
    const trafficEnv = claudeTrafficEnv(ctx.traffic)
    const settings = { ...kept.settings, skipDangerousModePermissionPrompt: true, ...claudeTrafficSettings(ctx.traffic), env: trafficEnv }
    return {
      // Skipping permission prompts is safe only because the sandbox is the boundary; wrapix never runs this on the host.
      command: [
        'claude',
        '--dangerously-skip-permissions',
        ...(ctx.agentSessionId ? ['--session-id', ctx.agentSessionId] : []),
        '--append-system-prompt',
        sandboxPrompt(ctx),
      ],
      env: { CLAUDE_CONFIG_DIR, ...trafficEnv },
      files: [
        { dest: `${HOME_SEED}/.claude/.claude.json`, content: `${JSON.stringify(globalConfig, null, 2)}\n`, mode: 0o644 },
        { dest: `${HOME_SEED}/.claude/settings.json`, content: `${JSON.stringify(settings, null, 2)}\n`, mode: 0o644 },
      ],
      setup: [
        `mkdir -p ${CLAUDE_PROJECTS_DIR}`,
        `[ -e ${CLAUDE_PROJECTS_DIR}/.gitignore ] || printf '*\\n' > ${CLAUDE_PROJECTS_DIR}/.gitignore`,
        `ln -sfn ${CLAUDE_PROJECTS_DIR} ${CLAUDE_CONFIG_DIR}/projects`,
        ...approveApiKeyLines(`${CLAUDE_CONFIG_DIR}/.claude.json`),
      ],
      credentials: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'],
    }
  },
  preferences: {
    configDir: CLAUDE_CONFIG_DIR,
    files: ['settings.json', '.claude.json'],
    keep: (parsed) => keepClaudePreferences({ settings: parsed['settings.json'], globalConfig: parsed['.claude.json'] }),
  },
  preflight: (names) => [claudeCredentialWarning(names)].filter((w): w is string => w !== null),
}
