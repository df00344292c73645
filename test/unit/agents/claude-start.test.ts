import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { approveApiKeyLines, claudeCredentialWarning } from '../../../src/agents/claude-auth.js'
import { claudeTrafficEnv, claudeTrafficSettings } from '../../../src/agents/claude-traffic.js'

describe('claudeTrafficEnv', () => {
  it('turns every kind of housekeeping traffic off by default, with the umbrella switch', () => {
    expect(claudeTrafficEnv({})).toEqual({
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    })
    expect(claudeTrafficSettings({})).toEqual({ autoUpdates: false })
  })

  it('leaves a kind the profile turns on alone, and drops the umbrella that would block it', () => {
    const env = claudeTrafficEnv({ autoUpdate: true })
    expect(env).not.toHaveProperty('DISABLE_AUTOUPDATER')
    expect(env).not.toHaveProperty('CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC')
    expect(env.CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL).toBe('1')
    expect(claudeTrafficSettings({ autoUpdate: true })).toEqual({})
    expect(claudeTrafficEnv({ pluginMarketplace: true })).not.toHaveProperty('CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL')
    expect(claudeTrafficEnv({ telemetry: false })).toHaveProperty('CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC', '1')
  })
})

describe('approveApiKeyLines (run with the host sh)', () => {
  let dir: string | undefined
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }))

  const approve = (key: string | undefined): { config: unknown; stderr: string } => {
    dir = mkdtempSync(join(tmpdir(), 'wrapix-approve-'))
    const file = join(dir, '.claude.json')
    writeFileSync(file, `${JSON.stringify({ customApiKeyResponses: { approved: [], rejected: [] } }, null, 2)}\n`)
    const script = [...approveApiKeyLines(file), ''].join('\n')
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(key === undefined ? {} : { ANTHROPIC_API_KEY: key }) }
    const run = spawnSync('sh', ['-c', `set -e\n${script}`], { env, encoding: 'utf8' })
    if (run.status !== 0) throw new Error(`script failed: ${run.stderr}`)
    return { config: JSON.parse(readFileSync(file, 'utf8')), stderr: run.stderr }
  }
  const approved = (key: string | undefined) => (approve(key).config as { customApiKeyResponses: { approved: string[] } }).customApiKeyResponses.approved

  it('approves the last 20 characters of the key the sandbox receives, as Claude Code compares them', () => {
    const key = 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_xyz'
    expect(approved(key)).toEqual([key.slice(-20)])
  })

  it('trims surrounding white space first, like Claude Code', () => {
    expect(approved('  sk-ant-api03-0123456789abcdefghijKLMN \n')).toEqual(['0123456789abcdefghijKLMN'.slice(-20)])
  })

  it('works for any value of at least 20 characters (a placeholder) and for a short one', () => {
    expect(approved('wrapix-placeholder-0000111122223333')).toEqual(['placeholder-0000111122223333'.slice(-20)])
    expect(approved('short-key')).toEqual(['short-key'])
  })

  it('approves nothing without a key', () => {
    expect(approved(undefined)).toEqual([])
    expect(approved('')).toEqual([])
  })

  it('never writes characters that could break out of the JSON string or the sed expression', () => {
    for (const key of ['sk-ant-api03-aaaaaaaaaaaaaaaa"],"x":"', 'sk-ant-api03-aaaaaaaaaaaaaa#e/bin/sh#', 'sk-ant-api03-aaaaaaaaaaaaaaaa\\u0022', 'sk-ant-api03-aaaaaaaaaaaa&&&&&&&&']) {
      expect(approved(key), key).toEqual([])
    }
    expect(approve('sk-ant-api03-aaaaaaaaaaaa&&&&&&&&').stderr).toMatch(/^wrapix: ANTHROPIC_API_KEY has unusual characters/)
  })
})

describe('claudeCredentialWarning', () => {
  it('says what to set when the sandbox gets no credential', () => {
    expect(claudeCredentialWarning(new Set(['PATH', 'HOME']))).toMatch(/^Claude Code has no credentials: set ANTHROPIC_API_KEY .*CLAUDE_CODE_OAUTH_TOKEN/)
  })

  it.each(['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX'])('is silent when %s is passed', (name) => {
    expect(claudeCredentialWarning(new Set([name]))).toBeNull()
  })
})
