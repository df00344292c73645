// Claude Code: onboarding and trust pre-answered, telemetry and auto-update off, history kept in /workspace/.claude.
import { HOME_SEED, SANDBOX_HOME, WORKSPACE } from '../sandbox/plan.js'
import { sandboxPrompt, type Agent } from './agent.js'

export const CLAUDE_CONFIG_DIR = `${SANDBOX_HOME}/.claude`
/** Claude keeps per-project history in $CLAUDE_CONFIG_DIR/projects; we link it into the project so /resume works. */
export const CLAUDE_PROJECTS_DIR = `${WORKSPACE}/.claude/projects`

export const claude: Agent = {
  name: 'claude',
  binary: 'claude',
  parts(ctx) {
    const globalConfig = {
      hasCompletedOnboarding: true,
      bypassPermissionsModeAccepted: true,
      autoUpdates: false,
      projects: { [WORKSPACE]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true, allowedTools: [] } },
    }
    const settings = {
      skipDangerousModePermissionPrompt: true,
      autoUpdates: false,
      env: { DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1', DISABLE_AUTOUPDATER: '1' },
    }
    return {
      // Skipping permission prompts is safe only because the sandbox is the boundary; wrapix never runs this on the host.
      command: [
        'claude',
        '--dangerously-skip-permissions',
        ...(ctx.agentSessionId ? ['--session-id', ctx.agentSessionId] : []),
        '--append-system-prompt',
        sandboxPrompt(ctx),
      ],
      env: {
        CLAUDE_CONFIG_DIR,
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
      files: [
        { dest: `${HOME_SEED}/.claude/.claude.json`, content: `${JSON.stringify(globalConfig, null, 2)}\n`, mode: 0o644 },
        { dest: `${HOME_SEED}/.claude/settings.json`, content: `${JSON.stringify(settings, null, 2)}\n`, mode: 0o644 },
      ],
      setup: [
        `mkdir -p ${CLAUDE_PROJECTS_DIR}`,
        `[ -e ${CLAUDE_PROJECTS_DIR}/.gitignore ] || printf '*\\n' > ${CLAUDE_PROJECTS_DIR}/.gitignore`,
        `ln -sfn ${CLAUDE_PROJECTS_DIR} ${CLAUDE_CONFIG_DIR}/projects`,
      ],
      credentials: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'],
    }
  },
}
