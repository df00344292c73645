import { describe, expect, it } from 'vitest'
import { openEgressPlan, openEgressRuleset } from '../../../src/network/open-egress.js'

describe('openEgressPlan', () => {
  it('picks short interface names and a /30 in 10.213.0.0/16 that the host does not use', () => {
    const first = openEgressPlan('session-1', 'wrapix-session-1', [], '')
    expect(first.hostIf.length).toBeLessThanOrEqual(15)
    expect(first.subnet).toMatch(/^10\.213\.\d+\.\d+\/30$/)
    const moved = openEgressPlan('session-1', 'wrapix-session-1', [first.sandboxAddress], '')
    expect(moved.subnet).not.toBe(first.subnet)
  })
  it('lets the sandbox query the host resolvers but never a loopback one', () => {
    const plan = openEgressPlan('s', 'wrapix-s', [], 'nameserver 10.255.255.53\nnameserver 127.0.0.53\nnameserver ::1\n')
    expect(plan.dnsServers).toEqual(['10.255.255.53'])
  })
})

describe('openEgressRuleset', () => {
  const plan = openEgressPlan('s', 'wrapix-s', [], 'nameserver 10.255.255.53\n')
  const rules = openEgressRuleset(plan)
  it('drops private, loopback, link-local (metadata) and CGNAT destinations from the sandbox', () => {
    for (const cidr of ['10.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']) expect(rules).toContain(cidr)
    expect(rules).not.toContain('169.254.169.254/32') // inside 169.254.0.0/16: an interval set refuses the overlap
    expect(rules).toContain(`iifname "${plan.hostIf}" ip daddr @blocked4 drop`)
  })
  it('drops anything for the host itself and all IPv6, but lets DNS to the host resolver through', () => {
    const input = rules.slice(rules.indexOf('chain input'), rules.indexOf('chain forward'))
    expect(input.trim().split('\n').at(-2)?.trim()).toBe(`iifname "${plan.hostIf}" drop`)
    expect(rules).toContain(`iifname "${plan.hostIf}" meta nfproto ipv6 drop`)
    expect(rules).toContain(`iifname "${plan.hostIf}" ip daddr { 10.255.255.53 } meta l4proto { tcp, udp } th dport 53 accept`)
  })
})
