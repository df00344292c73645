import { describe, expect, it } from 'vitest'
import { WrapixError } from '../../../src/errors.js'
import { bypassesUpstream, chooseUpstreamProxies, parseUpstreamProxy, upstreamFor, upstreamProxiesOf } from '../../../src/network/upstream-proxy.js'
import { decideByName } from '../../../src/network/resolve-destination.js'
import { effectivePolicy } from '../../../src/network/effective-policy.js'

describe('parseUpstreamProxy', () => {
  it('takes host, port and Basic credentials, and masks the password in what it shows', () => {
    const up = parseUpstreamProxy('http://user:p%40ss-word@proxy.corp:3128', 'HTTPS_PROXY')
    expect(up).toMatchObject({ host: 'proxy.corp', port: 3128, display: 'http://user:••••@proxy.corp:3128', source: 'HTTPS_PROXY' })
    expect(up.authorization).toBe(`Basic ${Buffer.from('user:p@ss-word').toString('base64')}`)
    expect(up.secrets).toEqual(expect.arrayContaining(['p@ss-word', 'p%40ss-word', Buffer.from('user:p@ss-word').toString('base64')]))
    expect(up.display).not.toContain('ss-word')
  })

  it('accepts the scheme-less form of the usual variables, without credentials', () => {
    expect(parseUpstreamProxy('proxy.corp:8080', 'http_proxy')).toMatchObject({ host: 'proxy.corp', port: 8080, authorization: null, display: 'http://proxy.corp:8080', secrets: [] })
    expect(parseUpstreamProxy('http://[::1]', 'X')).toMatchObject({ host: '::1', port: 80 })
  })

  it.each([
    ['ftp://x', 'network.upstreamProxy', /^network\.upstreamProxy: unsupported proxy scheme "ftp"/],
    ['http://', 'HTTPS_PROXY', /^HTTPS_PROXY: not a proxy URL/],
    ['http://a b:3128', 'HTTPS_PROXY', /^HTTPS_PROXY: not a proxy URL/],
    ['http://proxy:3128/path', 'HTTP_PROXY', /^HTTP_PROXY: not a proxy URL/],
  ])('refuses %s with a one-line config error naming %s', (value, field, message) => {
    let err: unknown
    try {
      parseUpstreamProxy(value, field)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(WrapixError)
    expect((err as WrapixError).kind).toBe('config')
    expect((err as Error).message).toMatch(message)
    expect((err as Error).message).not.toContain('\n')
  })
})

describe('chooseUpstreamProxies', () => {
  it('prefers the user config over the environment, for both kinds', () => {
    const p = chooseUpstreamProxies({ HTTPS_PROXY: 'http://env:1' }, 'http://cfg:2')
    expect(p.https?.host).toBe('cfg')
    expect(p.http?.host).toBe('cfg')
    expect(p.https?.source).toBe('network.upstreamProxy')
  })

  it('reads the environment (lower case first), each kind on its own, with NO_PROXY', () => {
    const p = chooseUpstreamProxies({ https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:1', NO_PROXY: 'a.corp, .b.corp' }, undefined)
    expect(p.https?.host).toBe('low')
    expect(p.http).toBeNull()
    expect(p.noProxy).toEqual(['a.corp', '.b.corp'])
    expect(chooseUpstreamProxies({}, undefined)).toEqual({ https: null, http: null, noProxy: [] })
  })

  it('ignores a project file that sets it, and says so; the user config counts', () => {
    const project = { file: '/w/.wrapix/config.yaml', value: { network: { upstreamProxy: 'http://evil.example:8080' } } }
    const { proxies, warnings } = upstreamProxiesOf({ user: null, project }, {})
    expect(proxies.https).toBeNull()
    expect(warnings[0]).toMatch(/network\.upstreamProxy in \/w\/\.wrapix\/config\.yaml is ignored/)
    const user = { file: '/h/config.yaml', value: { network: { upstreamProxy: 'http://corp:3128' } } }
    expect(upstreamProxiesOf({ user, project: null }, {}).proxies.https?.host).toBe('corp')
  })
})

describe('bypassesUpstream / upstreamFor', () => {
  const noProxy = ['.internal.corp', 'exact.corp', 'ported.corp:8443', '10.1.2.3']
  it.each([
    ['git.internal.corp', 443, true],
    ['internal.corp', 443, true],
    ['exact.corp', 443, true],
    ['sub.exact.corp', 443, true],
    ['notexact.corp', 443, false],
    ['ported.corp', 8443, true],
    ['ported.corp', 443, false],
    ['10.1.2.3', 443, true],
    ['api.anthropic.com', 443, false],
  ])('%s:%i bypasses: %s', (host, port, bypass) => {
    expect(bypassesUpstream(noProxy, host, port)).toBe(bypass)
  })

  it('"*" sends everything direct; no upstream means direct', () => {
    const up = parseUpstreamProxy('http://corp:1', 'X')
    expect(upstreamFor({ https: up, http: null, noProxy: ['*'] }, 'https', 'a.b', 443)).toBeNull()
    expect(upstreamFor({ https: up, http: null, noProxy: [] }, 'https', 'a.b', 443)).toBe(up)
    expect(upstreamFor({ https: up, http: null, noProxy: [] }, 'http', 'a.b', 80)).toBeNull()
    expect(upstreamFor(undefined, 'https', 'a.b', 443)).toBeNull()
    // --resolve pins a name to an address: it goes there directly (and the address is checked)
    expect(upstreamFor({ https: up, http: null, noProxy: [] }, 'https', 'A.B.', 443, { 'a.b': '10.0.0.1' })).toBeNull()
    expect(upstreamFor({ https: up, http: null, noProxy: [] }, 'https', 'x.a.b', 443, { 'a.b': '10.0.0.1' })).toBe(up)
  })
})

describe('decideByName', () => {
  const { policy } = effectivePolicy({ profileName: 'base', profile: null, user: null, project: null, allow: ['api.test', 'localhost', '*.localhost'], deny: [], mode: 'limit' })
  it('allows an allowed name without resolving it, refuses a denied one', () => {
    expect(decideByName(policy, 'api.test', 443)).toMatchObject({ decision: { allowed: true }, addresses: [] })
    expect(decideByName(policy, 'other.test', 443).decision.allowed).toBe(false)
  })
  it('treats localhost names as loopback even when a name rule allows them', () => {
    expect(decideByName(policy, 'localhost', 443).decision).toMatchObject({ allowed: false, reason: expect.stringContaining('loopback') })
    expect(decideByName(policy, 'x.localhost', 443).decision.allowed).toBe(false)
  })
  it('keeps the IP-literal rules', () => {
    expect(decideByName(policy, '127.0.0.1', 443).decision.allowed).toBe(false)
  })
})
