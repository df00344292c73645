import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { addApprovedPolicy } from '../../../src/network/approve-policy.js'

const h1 = `sha256:${'a'.repeat(64)}`
const h2 = `sha256:${'b'.repeat(64)}`

describe('addApprovedPolicy', () => {
  it('adds the hash and keeps comments and other settings as written', () => {
    const text = '# my settings\nprofile: rust # fast builds\nnetwork:\n  allowedDomains: [crates.io]\n'
    const { text: out, added } = addApprovedPolicy(text, h1, 'config.yaml')
    expect(added).toBe(true)
    expect(out).toContain('# my settings')
    expect(out).toContain('profile: rust # fast builds')
    expect(parse(out)).toEqual({ profile: 'rust', network: { allowedDomains: ['crates.io'] }, approvedPolicies: [h1] })
  })
  it('appends to an existing list and does nothing when the hash is already there', () => {
    const once = addApprovedPolicy(`approvedPolicies:\n  - ${h1}\n`, h2, 'c.yaml')
    expect(parse(once.text).approvedPolicies).toEqual([h1, h2])
    expect(addApprovedPolicy(once.text, h1, 'c.yaml').added).toBe(false)
  })
  it('creates the file content when there is no user config yet', () => {
    expect(parse(addApprovedPolicy(null, h1, 'c.yaml').text)).toEqual({ approvedPolicies: [h1] })
  })
  it('refuses to rewrite a file it cannot read as YAML', () => {
    expect(() => addApprovedPolicy('a: [', h1, 'c.yaml')).toThrow(expect.objectContaining({ kind: 'config' }))
  })
})
