import { describe, expect, it } from 'vitest'
import { planEnv } from '../../../src/sandbox/env.js'
import { thrownBy } from '../helpers/errors.js'
import { aSettings, sourced } from '../helpers/settings.js'

type Args = Parameters<typeof planEnv>[0]
const envOf = (overrides: Partial<Args> = {}) =>
  planEnv({
    settings: aSettings(),
    flagEnvNames: [],
    hostEnv: {},
    agentEnv: {},
    networkEnv: {},
    git: { name: 'Ada Lovelace', email: 'ada@example.com' },
    sessionId: 'a1b2c3d4e5f6',
    user: { name: 'wrapix', home: '/home/wrapix' },
    tty: false,
    credentials: { env: {}, byValue: [], consumed: [] },
    ...overrides,
  })

describe('planEnv', () => {
  it('never copies the host environment: only what wrapix sets', () => {
    const { env, secretNames } = envOf({ hostEnv: { PATH: '/usr/bin', AWS_SECRET_ACCESS_KEY: 'x', CANARY: 'y', HOME: '/home/ada' } })
    expect(Object.keys(env).sort()).toEqual(['GIT_AUTHOR_EMAIL', 'GIT_AUTHOR_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_COMMITTER_NAME', 'HOME', 'IS_SANDBOX', 'LANG', 'USER', 'WRAPIX_SESSION_ID'])
    expect(env).toMatchObject({ IS_SANDBOX: '1', WRAPIX_SESSION_ID: 'a1b2c3d4e5f6', HOME: '/home/wrapix', USER: 'wrapix' })
    expect(secretNames).toEqual([])
  })

  it('gives the sandbox the credential plan: placeholders in plain, opt-outs by name, taken-over -e names dropped', () => {
    const credentials = { env: { ANTHROPIC_API_KEY: 'wrapix-placeholder-x', ANTHROPIC_BASE_URL: 'http://127.0.0.1:3128/_wrapix/api.anthropic.com' }, byValue: ['OPENAI_API_KEY'], consumed: ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL'] }
    const settings = aSettings({ env: { ANTHROPIC_API_KEY: sourced('sk-ant-api03-secret', 'flag'), ANTHROPIC_BASE_URL: sourced('https://gw.test', 'user') } })
    const { env, secretNames } = envOf({ settings, flagEnvNames: ['ANTHROPIC_API_KEY'], hostEnv: { OPENAI_API_KEY: 'sk-x' }, credentials })
    expect(secretNames).toEqual(['OPENAI_API_KEY'])
    expect(env).toMatchObject(credentials.env)
    expect(env).not.toHaveProperty('OPENAI_API_KEY')
    expect(JSON.stringify(env)).not.toMatch(/sk-ant|sk-x|gw\.test/)
  })

  it('keeps -e values out of plan.env: they travel as secret names', () => {
    const settings = aSettings({ env: { TOKEN: sourced('sk-flag-value', 'flag') } })
    const { env, secretNames } = envOf({ settings, flagEnvNames: ['TOKEN'] })
    expect(env).not.toHaveProperty('TOKEN')
    expect(secretNames).toEqual(['TOKEN'])
    expect(JSON.stringify(env)).not.toContain('sk-flag-value')
  })

  it('-e KEY passes a host variable by name, and refuses one that is not set', () => {
    expect(envOf({ settings: aSettings({ passEnv: ['GH_TOKEN'] }), hostEnv: { GH_TOKEN: 'x' } }).secretNames).toEqual(['GH_TOKEN'])
    const err = thrownBy(() => envOf({ settings: aSettings({ passEnv: ['GH_TOKEN'] }) }))
    expect(err.kind).toBe('usage')
    expect(err.message).toBe('-e GH_TOKEN: GH_TOKEN is not set in your environment')
  })

  it("sends profile and config env values through podman's environment, never argv; they override the agent env", () => {
    const settings = aSettings({ env: { EDITOR: sourced('vi', 'profile'), CLAUDE_CONFIG_DIR: sourced('/x', 'user'), DB_URL: sourced('postgres://u:pw@db/x', 'project') } })
    const { env, secretNames } = envOf({ settings, agentEnv: { CLAUDE_CONFIG_DIR: '/home/wrapix/.claude', DISABLE_TELEMETRY: '1' } })
    expect(env).toMatchObject({ DISABLE_TELEMETRY: '1' })
    expect(Object.keys(env)).not.toEqual(expect.arrayContaining(['EDITOR']))
    expect(env.CLAUDE_CONFIG_DIR).toBeUndefined()
    expect(secretNames).toEqual(expect.arrayContaining(['EDITOR', 'CLAUDE_CONFIG_DIR', 'DB_URL']))
  })

  it("never puts a name podman or the host's loader obeys into podman's own environment (it goes on argv instead)", () => {
    const settings = aSettings({ env: { LD_PRELOAD: sourced('/workspace/evil.so', 'flag'), CONTAINERS_CONF: sourced('/workspace/c.conf', 'user'), HTTPS_PROXY: sourced('http://p:3128', 'user') } })
    const { env, secretNames } = envOf({ settings, flagEnvNames: ['LD_PRELOAD'] })
    expect(secretNames).toEqual([])
    expect(env).toMatchObject({ LD_PRELOAD: '/workspace/evil.so', CONTAINERS_CONF: '/workspace/c.conf', HTTPS_PROXY: 'http://p:3128' })
  })

  it.each(['IS_SANDBOX', 'WRAPIX_SESSION_ID', 'HOME', 'USER'])('refuses -e %s (set by wrapix)', (name) => {
    const err = thrownBy(() => envOf({ flagEnvNames: [name], settings: aSettings({ env: { [name]: sourced('x', 'flag') } }) }))
    expect(err.kind).toBe('usage')
    expect(err.message).toBe(`-e ${name}: ${name} is set by wrapix and cannot be changed`)
  })

  it('refuses a reserved name in a config file, naming the file', () => {
    const err = thrownBy(() => envOf({ settings: aSettings({ env: { HOME: sourced('/root', 'user', '/home/ada/.config/wrapix/config.yaml') } }) }))
    expect(err.kind).toBe('config')
    expect(err.message).toBe('/home/ada/.config/wrapix/config.yaml: env.HOME is set by wrapix and cannot be changed')
  })

  it('sets the git identity from the host, or a sandbox fallback', () => {
    expect(envOf().env).toMatchObject({ GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_COMMITTER_EMAIL: 'ada@example.com' })
    expect(envOf({ git: {} }).env).toMatchObject({
      GIT_AUTHOR_NAME: 'Wrapix Sandbox',
      GIT_AUTHOR_EMAIL: 'sandbox@wrapix.dev',
      GIT_COMMITTER_NAME: 'Wrapix Sandbox',
      GIT_COMMITTER_EMAIL: 'sandbox@wrapix.dev',
    })
    expect(envOf({ git: { name: 'Ada' } }).env).toMatchObject({ GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'sandbox@wrapix.dev' })
  })

  it('sets TERM only for a terminal session', () => {
    expect(envOf({ tty: false, hostEnv: { TERM: 'screen' } }).env).not.toHaveProperty('TERM')
    expect(envOf({ tty: true, hostEnv: { TERM: 'screen' } }).env.TERM).toBe('screen')
    expect(envOf({ tty: true }).env.TERM).toBe('xterm-256color')
  })

  it('adds the proxy variables it is given', () => {
    expect(envOf({ networkEnv: { HTTPS_PROXY: 'http://127.0.0.1:3128' } }).env.HTTPS_PROXY).toBe('http://127.0.0.1:3128')
  })
})
