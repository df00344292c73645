import { describe, expect, it } from 'vitest'
import { sandboxPrompt, type AgentContext } from '../../../src/agents/agent.js'
import { AGENTS, agentFor } from '../../../src/agents/index.js'
import { entrypointScript } from '../../../src/sandbox/entrypoint.js'
import { AGENT_NAMES, FILES_ROOT, HOME_SEED } from '../../../src/sandbox/plan.js'

const ctx = (overrides: Partial<AgentContext> = {}): AgentContext => ({ boundary: 'container', networkMode: 'limit', allowedHosts: ['api.anthropic.com'], traffic: {}, ...overrides })

describe('claude', () => {
  const parts = agentFor('claude').parts(ctx({ agentSessionId: '7f0c' }))
  const file = (name: string) => JSON.parse(parts.files.find((f) => f.dest === `${HOME_SEED}/.claude/${name}`)!.content)

  it('pre-answers onboarding and the trust prompt for /workspace only', () => {
    const config = file('.claude.json')
    expect(config.hasCompletedOnboarding).toBe(true)
    expect(Object.keys(config.projects)).toEqual(['/workspace'])
    expect(config.projects['/workspace'].hasTrustDialogAccepted).toBe(true)
  })

  it('turns telemetry, error reporting and auto-update off', () => {
    expect(parts.env).toMatchObject({ DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1', DISABLE_AUTOUPDATER: '1' })
    expect(file('settings.json').autoUpdates).toBe(false)
  })

  it('skips permission prompts (the sandbox is the boundary) and uses the session id wrapix chose', () => {
    expect(parts.command.slice(0, 4)).toEqual(['claude', '--dangerously-skip-permissions', '--session-id', '7f0c'])
    const prompt = parts.command[parts.command.indexOf('--append-system-prompt') + 1]
    expect(prompt).toContain('api.anthropic.com')
  })

  it('keeps its history in the project so /resume works next time', () => {
    expect(parts.setup).toContain('mkdir -p /workspace/.claude/projects')
    expect(parts.setup).toContain('ln -sfn /workspace/.claude/projects /home/wrapix/.claude/projects')
  })

  it('names its credentials', () => {
    expect(parts.credentials).toEqual(['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'])
  })
})

describe('every agent', () => {
  it.each(AGENT_NAMES)('%s seeds files only under %s and has a command', (name) => {
    const parts = AGENTS[name].parts(ctx())
    expect(parts.command.length).toBeGreaterThan(0)
    for (const f of parts.files) expect(f.dest.startsWith(`${FILES_ROOT}/`)).toBe(true)
  })
})

describe('sandboxPrompt', () => {
  it('tells the agent honestly what the network allows', () => {
    expect(sandboxPrompt(ctx({ networkMode: 'none' }))).toContain('There is no network access at all.')
    expect(sandboxPrompt(ctx({ networkMode: 'open' }))).toContain('Public internet access is open')
    expect(sandboxPrompt(ctx({ allowedHosts: ['github.com', '*.npmjs.org'] }))).toContain('allows these hosts: github.com, *.npmjs.org')
    expect(sandboxPrompt(ctx({ allowedHosts: [] }))).toContain('allows these hosts: (none)')
    expect(sandboxPrompt(ctx({ boundary: 'gvisor' }))).toContain('(gvisor boundary)')
  })
})

describe('entrypointScript', () => {
  it('seeds the home, runs the setup lines in order, then becomes the command', () => {
    const lines = entrypointScript(['echo one', 'echo two']).trimEnd().split('\n')
    expect(lines[0]).toBe('#!/bin/sh')
    expect(lines).toContain('set -e')
    expect(lines).toContain(`if [ -d ${HOME_SEED} ]; then cp -R ${HOME_SEED}/. "$HOME"/; fi`)
    expect(lines.slice(-3)).toEqual(['echo one', 'echo two', 'exec "$@"'])
  })
})
