import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { addApprovedPolicy } from '../../../src/network/approve-policy.js'

const h1 = `sha256:${'a'.repeat(64)}`
const h2 = `sha256:${'b'.repeat(64)}`
const a1 = { file: '/p/.wrapix/config.yaml', hash: h1 }

describe('addApprovedPolicy', () => {
  it('adds the file and hash and keeps comments and other settings as written', () => {
    const text = '# my settings\nprofile: rust # fast builds\nnetwork:\n  allowedDomains: [crates.io]\n'
    const { text: out, added } = addApprovedPolicy(text, a1, 'config.yaml')
    expect(added).toBe(true)
    expect(out).toContain('# my settings')
    expect(out).toContain('profile: rust # fast builds')
    expect(parse(out)).toEqual({ profile: 'rust', network: { allowedDomains: ['crates.io'] }, approvedPolicies: [a1] })
  })
  it('appends approvals of other files, replaces an older one of the same file, and does nothing when already there', () => {
    const other = { file: '/q/.wrapix/config.yaml', hash: h1 }
    const once = addApprovedPolicy(`approvedPolicies:\n  - ${h2}\n`, a1, 'c.yaml')
    const twice = addApprovedPolicy(once.text, other, 'c.yaml')
    expect(parse(twice.text).approvedPolicies).toEqual([h2, a1, other])
    expect(addApprovedPolicy(twice.text, a1, 'c.yaml').added).toBe(false)
    const edited = addApprovedPolicy(twice.text, { ...a1, hash: h2 }, 'c.yaml')
    expect(parse(edited.text).approvedPolicies).toEqual([h2, other, { ...a1, hash: h2 }])
  })
  it('creates the file content when there is no user config yet', () => {
    expect(parse(addApprovedPolicy(null, a1, 'c.yaml').text)).toEqual({ approvedPolicies: [a1] })
  })
  it('refuses to rewrite a file it cannot read as YAML', () => {
    expect(() => addApprovedPolicy('a: [', a1, 'c.yaml')).toThrow(expect.objectContaining({ kind: 'config' }))
  })
})
