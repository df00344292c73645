import { describe, expect, it } from 'vitest'
import { planCredentials } from '../../../src/sandbox/credential-plan.js'
import type { CredentialInput } from '../../../src/sandbox/credential-plan.js'
import { resolveSettings } from '../../../src/config/resolve.js'
import { ConfigSchema } from '../../../src/config/schema.js'
import { emptyFlags } from '../../../src/config/settings.js'
import { aProfile, aSettings, sourced } from '../helpers/settings.js'

const KEY = 'sk-ant-api03-realKeyValue000000000000000000-AbCd'
const TOKEN = 'sk-ant-oat01-realOauthToken0000000000000000-EfGh'
const PROXY = 'http://127.0.0.1:3128'

const plan = (overrides: Partial<CredentialInput> = {}) =>
  planCredentials({ settings: aSettings(), hostEnv: {}, entries: [], delivery: {}, networkMode: 'limit', sessionId: 's1e2s3s4i5d6', proxyUrl: PROXY, ...overrides })

describe('planCredentials', () => {
  it('gives the sandbox a placeholder and the proxy route for each credential set on the host, never the value', () => {
    const p = plan({ hostEnv: { ANTHROPIC_API_KEY: KEY, CLAUDE_CODE_OAUTH_TOKEN: TOKEN, OPENAI_API_KEY: '' } })
    expect(p.env).toEqual({
      ANTHROPIC_API_KEY: 'wrapix-placeholder-anthropic-api-key-s1e2s3s4i5d6',
      CLAUDE_CODE_OAUTH_TOKEN: 'wrapix-placeholder-claude-code-oauth-token-s1e2s3s4i5d6',
      ANTHROPIC_BASE_URL: `${PROXY}/_wrapix/api.anthropic.com`,
    })
    expect(p.env.ANTHROPIC_API_KEY!.length).toBeGreaterThanOrEqual(20)
    expect(p.byValue).toEqual([])
    expect(p.injected.map((c) => [c.name, c.header, c.scheme, c.route, c.upstream])).toEqual([
      ['ANTHROPIC_API_KEY', 'x-api-key', 'raw', '/_wrapix/api.anthropic.com', { host: 'api.anthropic.com', port: 443, tls: true, basePath: '' }],
      ['CLAUDE_CODE_OAUTH_TOKEN', 'authorization', 'bearer', '/_wrapix/api.anthropic.com', { host: 'api.anthropic.com', port: 443, tls: true, basePath: '' }],
    ])
    expect(p.record).toEqual([
      { name: 'ANTHROPIC_API_KEY', delivery: 'proxy', host: 'api.anthropic.com', port: 443, header: 'x-api-key' },
      { name: 'CLAUDE_CODE_OAUTH_TOKEN', delivery: 'proxy', host: 'api.anthropic.com', port: 443, header: 'authorization' },
    ])
    expect(JSON.stringify(p)).not.toMatch(/realKeyValue|realOauthToken/)
  })

  it('keeps the OpenAI base path and routes the Gemini key to its own host', () => {
    const p = plan({ hostEnv: { OPENAI_API_KEY: 'sk-proj-x', GEMINI_API_KEY: 'AIza-x' } })
    expect(p.env.OPENAI_BASE_URL).toBe(`${PROXY}/_wrapix/api.openai.com`)
    expect(p.injected.find((c) => c.name === 'OPENAI_API_KEY')?.upstream).toEqual({ host: 'api.openai.com', port: 443, tls: true, basePath: '/v1' })
    expect(p.injected.find((c) => c.name === 'GEMINI_API_KEY')).toMatchObject({ header: 'x-goog-api-key', upstream: { host: 'generativelanguage.googleapis.com' } })
  })

  it("sends the credential to the user's gateway (host env or -e) and takes the base URL over", () => {
    const fromHost = plan({ hostEnv: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: 'https://gw.corp.test:8443/anthropic/' } })
    expect(fromHost.injected[0]?.upstream).toEqual({ host: 'gw.corp.test', port: 8443, tls: true, basePath: '/anthropic' })
    expect(fromHost.env.ANTHROPIC_BASE_URL).toBe(`${PROXY}/_wrapix/gw.corp.test-8443`)
    const settings = aSettings({ env: { ANTHROPIC_BASE_URL: sourced('http://mock.test:4000', 'flag'), ANTHROPIC_API_KEY: sourced(KEY, 'flag') } })
    const fromFlag = plan({ settings, hostEnv: { ANTHROPIC_BASE_URL: 'https://ignored.test' } })
    expect(fromFlag.injected[0]?.upstream).toEqual({ host: 'mock.test', port: 4000, tls: false, basePath: '' })
    expect(fromFlag.consumed).toEqual(['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL'])
  })

  it('never takes a gateway or a credential from a project file', () => {
    const settings = aSettings({ env: { ANTHROPIC_BASE_URL: sourced('https://evil.test', 'project', '/w/.wrapix/config.yaml') } })
    const p = plan({ settings, hostEnv: { ANTHROPIC_API_KEY: KEY } })
    expect(p.injected[0]?.upstream.host).toBe('api.anthropic.com')
    const onlyProject = plan({ settings: aSettings({ env: { ANTHROPIC_API_KEY: sourced('x', 'project') } }) })
    expect(onlyProject.injected).toEqual([])
  })

  it('passes a credential by value only when the user opts out, and says so', () => {
    const p = plan({ hostEnv: { ANTHROPIC_API_KEY: KEY }, delivery: { ANTHROPIC_API_KEY: 'env' } })
    expect(p.byValue).toEqual(['ANTHROPIC_API_KEY'])
    expect(p.env).toEqual({})
    expect(p.consumed).toEqual([])
    expect(p.record).toEqual([{ name: 'ANTHROPIC_API_KEY', delivery: 'env', host: null, port: null, header: null }])
    expect(p.notices[0]).toContain('ANTHROPIC_API_KEY is passed into the sandbox by value')
  })

  it('gives no credential at all with network none, and says so', () => {
    const p = plan({ networkMode: 'none', hostEnv: { ANTHROPIC_API_KEY: KEY }, delivery: { ANTHROPIC_API_KEY: 'env' } })
    expect(p).toMatchObject({ env: {}, byValue: [], injected: [], consumed: ['ANTHROPIC_API_KEY'] })
    expect(p.record).toEqual([{ name: 'ANTHROPIC_API_KEY', delivery: 'withheld', host: null, port: null, header: null }])
    expect(p.notices[0]).toContain('network mode "none"')
  })

  it('adds table rows from the profile and user config; a project file needs approval', () => {
    const row = { url: 'https://api.example.test/v2', header: 'X-Token', scheme: 'bearer' as const, baseUrlEnv: 'EXAMPLE_BASE_URL' }
    const user = { file: '/u/config.yaml', realPath: '/u/config.yaml', text: '', value: ConfigSchema.parse({ credentials: { EXAMPLE_TOKEN: row, ANTHROPIC_API_KEY: 'env' } }) }
    const project = { file: '/w/.wrapix/config.yaml', realPath: '/w/.wrapix/config.yaml', text: 'x', value: ConfigSchema.parse({ credentials: { ANTHROPIC_API_KEY: 'proxy', EVIL: { ...row, url: 'https://evil.test' } } }) }
    const settings = resolveSettings({ flags: emptyFlags(), env: {}, layers: { user, project }, profileName: sourced('base'), profile: aProfile(), hostCpus: 4 })
    expect(settings.credentials).toEqual({ entries: [{ name: 'EXAMPLE_TOKEN', ...row, header: 'x-token' }], delivery: { ANTHROPIC_API_KEY: 'env' } })
    expect(settings.warnings.join('\n')).toContain('ignoring credentials')
    const p = plan({ settings, entries: settings.credentials.entries, hostEnv: { EXAMPLE_TOKEN: 't' } })
    expect(p.injected).toMatchObject([{ name: 'EXAMPLE_TOKEN', header: 'x-token', scheme: 'bearer', upstream: { host: 'api.example.test', basePath: '/v2' } }])
    expect(p.env.EXAMPLE_BASE_URL).toBe(`${PROXY}/_wrapix/api.example.test`)
  })
})
