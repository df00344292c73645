import { describe, expect, it } from 'vitest'
import { parseHostRule } from '../../../src/network/host-rule.js'
import type { HostRule } from '../../../src/network/host-rule.js'
import { decide, decideAddress } from '../../../src/network/policy.js'
import type { Policy } from '../../../src/network/policy.js'
import { parseIp, specialRangeOf } from '../../../src/network/ip-address.js'

const rules = (texts: string[], source: HostRule['source'] = '--allow'): HostRule[] => texts.map((t) => parseHostRule(t, source))
const policy = (allow: string[], deny: string[] = []): Policy => ({ allow: rules(allow), deny: rules(deny, '--deny') })

describe('decide', () => {
  it('allows an exact name on 443 by default, and not on 80 unless port 80 is named', () => {
    const p = policy(['example.com'])
    expect(decide(p, 'example.com', 443).allowed).toBe(true)
    expect(decide(p, 'EXAMPLE.com.', 443).allowed).toBe(true)
    expect(decide(p, 'example.com', 80).allowed).toBe(false)
    expect(decide(policy(['example.com:80']), 'example.com', 80).allowed).toBe(true)
    expect(decide(policy(['example.com:80']), 'example.com', 443).allowed).toBe(false)
  })

  it('matches a wildcard on subdomains at any depth but not the bare parent', () => {
    const p = policy(['*.example.com'])
    expect(decide(p, 'a.example.com', 443).allowed).toBe(true)
    expect(decide(p, 'a.b.example.com', 443).allowed).toBe(true)
    expect(decide(p, 'example.com', 443).allowed).toBe(false)
    expect(decide(p, 'badexample.com', 443).allowed).toBe(false)
    expect(decide(p, 'example.com.evil.net', 443).allowed).toBe(false)
  })

  it('lets a deny rule win over an allow rule, on every port when the deny names none', () => {
    const p = policy(['*.example.com', 'x.example.com:8443'], ['x.example.com'])
    const d = decide(p, 'x.example.com', 8443)
    expect(d.allowed).toBe(false)
    expect(d.rule).toEqual({ text: 'x.example.com', source: '--deny' })
    expect(d.allowArg).toBeNull()
    expect(decide(p, 'y.example.com', 443).allowed).toBe(true)
  })

  it('denies a name nobody listed and says which --allow would permit it', () => {
    const d = decide(policy(['example.com']), 'other.org', 8080)
    expect(d).toMatchObject({ allowed: false, rule: null, allowArg: 'other.org:8080' })
    expect(d.reason).toContain('--allow other.org:8080')
  })

  it('denies IP literals unless an address or range rule names them', () => {
    const p = policy(['example.com', '10.1.0.0/16:8443', '[2001:db8::1]'])
    expect(decide(p, '93.184.216.34', 443)).toMatchObject({ allowed: false, allowArg: '93.184.216.34:443' })
    expect(decide(p, '10.1.2.3', 8443).allowed).toBe(true)
    expect(decide(p, '10.1.2.3', 443).allowed).toBe(false)
    expect(decide(p, '[2001:db8::1]', 443).allowed).toBe(true)
    expect(decide(p, '2001:db8::2', 443)).toMatchObject({ allowed: false, allowArg: '[2001:db8::2]:443' })
  })

  it('refuses names that are not DNS names', () => {
    expect(decide(policy(['example.com']), 'exa mple.com', 443).allowed).toBe(false)
  })
})

describe('decideAddress', () => {
  it('passes public addresses and refuses loopback, private and metadata unless a rule names them', () => {
    const p = policy(['api.test:8443', '127.0.0.2'])
    expect(decideAddress(p, 'api.test', '93.184.216.34', 443).allowed).toBe(true)
    expect(decideAddress(p, 'api.test', '127.0.0.2', 8443).allowed).toBe(true)
    const d = decideAddress(p, 'api.test', '127.0.0.3', 8443)
    expect(d).toMatchObject({ allowed: false, allowArg: '127.0.0.3' })
    expect(d.reason).toContain('loopback')
    expect(decideAddress(p, 'x', '169.254.169.254', 80).reason).toContain('metadata')
    expect(decideAddress(p, 'x', '10.0.0.1', 443).allowed).toBe(false)
    expect(decideAddress(p, 'x', '::ffff:127.0.0.1', 443).allowed).toBe(false)
    expect(decideAddress(p, 'x', 'fd12::1', 443).allowed).toBe(false)
  })

  it('applies deny rules to resolved addresses', () => {
    expect(decideAddress(policy(['a.test'], ['93.184.0.0/16']), 'a.test', '93.184.216.34', 443).allowed).toBe(false)
  })
})

describe('specialRangeOf', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['::1', 'loopback'], ['10.2.3.4', 'private'], ['172.31.0.1', 'private'],
    ['192.168.1.1', 'private'], ['100.64.0.1', 'carrier-grade NAT'], ['169.254.169.254', 'cloud metadata'],
    ['169.254.1.1', 'link-local'], ['fe80::1', 'link-local'], ['fd00:ec2::254', 'cloud metadata'], ['fc00::5', 'unique local'],
    ['224.0.0.1', 'multicast'], ['0.0.0.0', 'unspecified'], ['::', 'unspecified'], ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
  ])('%s is %s', (addr, label) => {
    expect(specialRangeOf(parseIp(addr)!)).toBe(label)
  })
  it.each(['93.184.216.34', '2606:4700::1111', '8.8.8.8', '172.32.0.1'])('%s is public', (addr) => {
    expect(specialRangeOf(parseIp(addr)!)).toBeNull()
  })
})

describe('parseHostRule', () => {
  it.each(['*', 'a.*.com', 'exa mple.com', 'example.com:0', 'example.com:70000', '10.0.0.0/33', '-bad.com'])('rejects %s', (t) => {
    expect(() => parseHostRule(t, 'user config')).toThrow(/invalid network rule/)
  })
  it('reads ports on names, IPv4 and bracketed IPv6', () => {
    expect(parseHostRule('github.com:22', 'built-in')).toMatchObject({ kind: 'name', name: 'github.com', port: 22 })
    expect(parseHostRule('[::1]:8080', 'built-in')).toMatchObject({ kind: 'address', port: 8080 })
    expect(parseHostRule('fd00::/8', 'built-in')).toMatchObject({ kind: 'address', port: null })
  })
})
