import { describe, expect, it } from 'vitest'
import { ConfigSchema } from '../../../src/config/schema.js'
import type { ConfigFile } from '../../../src/config/schema.js'
import { effectivePolicy } from '../../../src/network/effective-policy.js'
import type { PolicyLayers } from '../../../src/network/effective-policy.js'
import { decide } from '../../../src/network/policy.js'

const cfg = (c: ConfigFile) => ConfigSchema.parse(c)
const layers = (over: Partial<PolicyLayers> = {}): PolicyLayers => ({
  profileName: 'base',
  profile: { network: { allowedDomains: ['pypi.org'], deniedDomains: [] } },
  user: null,
  project: null,
  allow: [],
  deny: [],
  mode: 'limit',
  ...over,
})
const project = { file: '/w/.wrapix.yaml', approved: false, config: cfg({ network: { allowedDomains: ['evil.example'], deniedDomains: ['pypi.org'] } }) }

describe('effectivePolicy', () => {
  it('combines built-in, profile, user and flags, naming the source of each rule', () => {
    const { policy } = effectivePolicy(layers({ user: { file: '~/.config/wrapix/config.yaml', config: cfg({ network: { allowedDomains: ['crates.io'] } }) }, allow: ['api.test:8443'] }))
    expect(decide(policy, 'github.com', 22).rule?.source).toBe('built-in')
    expect(decide(policy, 'pypi.org', 443).rule?.source).toBe('profile base')
    expect(decide(policy, 'crates.io', 443).rule?.source).toBe('user config')
    expect(decide(policy, 'api.test', 8443).rule?.source).toBe('--allow')
    expect(policy.mode).toBe('limit')
  })

  it('ignores a project file that tries to add a domain, with a warning, but keeps its deny rules', () => {
    const { policy, warnings } = effectivePolicy(layers({ project }))
    expect(decide(policy, 'evil.example', 443).allowed).toBe(false)
    expect(decide(policy, 'pypi.org', 443).allowed).toBe(false)
    expect(warnings).toEqual([expect.stringContaining('ignoring allowedDomains "evil.example"')])
    expect(policy.projectApproved).toBe(false)
  })

  it("applies the project allow rules once config resolution found the file approved (it does not decide again)", () => {
    const { policy, warnings } = effectivePolicy(layers({ project: { ...project, approved: true } }))
    expect(decide(policy, 'evil.example', 443).allowed).toBe(true)
    expect(policy.projectApproved).toBe(true)
    expect(warnings).toEqual([])
  })

  it('ignores approvedPolicies written in the project file itself', () => {
    const selfApproved = { ...project, config: cfg({ ...project.config, approvedPolicies: [{ file: project.file, hash: `sha256:${'a'.repeat(64)}` }] }) }
    const { policy, warnings } = effectivePolicy(layers({ project: selfApproved }))
    expect(decide(policy, 'evil.example', 443).allowed).toBe(false)
    expect(warnings.some((w) => w.includes('approvedPolicies'))).toBe(true)
  })

  it('takes the mode resolveSettings() chose, whatever the project file says (config/resolve.ts narrows it)', () => {
    const p = (mode: 'none' | 'open') => ({ ...project, config: cfg({ network: { mode } }) })
    expect(effectivePolicy(layers({ project: p('none'), mode: 'limit' })).policy.mode).toBe('limit')
    const widened = effectivePolicy(layers({ project: p('open'), mode: 'open' }))
    expect(widened.policy.mode).toBe('open')
    expect(widened.warnings.some((w) => w.includes('mode'))).toBe(false)
    expect(widened.policy.digest).not.toBe(effectivePolicy(layers({ project: p('open') })).policy.digest)
  })

  it('gives the same digest for the same rules in any order, and a different one when a rule changes', () => {
    const a = effectivePolicy(layers({ allow: ['a.test', 'b.test'] })).policy.digest
    const b = effectivePolicy(layers({ allow: ['b.test', 'a.test', 'a.test'] })).policy.digest
    const c = effectivePolicy(layers({ allow: ['a.test'] })).policy.digest
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(a).toBe(b)
    expect(a).not.toBe(c)
  })

  it('reports a bad --allow as a usage error and a bad config rule as a config error', () => {
    expect(() => effectivePolicy(layers({ allow: ['*'] }))).toThrow(expect.objectContaining({ kind: 'usage' }))
    expect(() => effectivePolicy(layers({ user: { file: 'u.yaml', config: cfg({ network: { allowedDomains: ['a b'] } }) } }))).toThrow(
      expect.objectContaining({ kind: 'config', message: expect.stringContaining('u.yaml') }),
    )
  })
})
