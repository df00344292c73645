import { describe, expect, it } from 'vitest'
import { approvalOf, configWidenings, contentHash, isApproved, profileWidenings } from '../../../src/config/approval.js'
import { parseConfig } from '../../../src/config/load.js'
import { parseProfile } from '../../../src/config/profiles.js'
import { thrownBy } from '../helpers/errors.js'

const FILE = '/home/ada/src/app/.wrapix/profiles/team.yaml'
const text = 'baseImage: registry.example/base:1\n'
const user = (entries: unknown[]) => parseConfig(`approvedPolicies: ${JSON.stringify(entries)}\n`, 'user.yaml')

describe('approvals', () => {
  it('are bound to the real path and the content', () => {
    const loaded = { file: FILE, realPath: FILE, text }
    const approval = approvalOf(loaded)!
    expect(approval).toEqual({ file: FILE, hash: contentHash(text) })
    expect(isApproved(user([approval]), loaded)).toBe(true)
    expect(isApproved(user([approval]), { ...loaded, text: `${text}# edited\n` })).toBe(false)
    expect(isApproved(user([approval]), { file: '/elsewhere/.wrapix/profiles/team.yaml', realPath: '/elsewhere/.wrapix/profiles/team.yaml', text })).toBe(false)
    expect(isApproved(user([contentHash(text)]), loaded)).toBe(false) // a bare hash names no file
  })

  it('never cover a file reached through a symbolic link', () => {
    const linked = { file: '/home/ada/src/evil/.wrapix/profiles/team.yaml', realPath: FILE, text }
    expect(approvalOf(linked)).toBeNull()
    expect(isApproved(user([{ file: FILE, hash: contentHash(text) }]), linked)).toBe(false)
  })
})

describe('widenings', () => {
  it('lists every widening setting of a project config, and nothing that only narrows', () => {
    const config = parseConfig('image: r.example/i:1\nagent: shell\nboundary: gvisor\nlog: { retentionDays: 2 }\nenv: { A: "1" }\nmounts: [{ source: /d, dest: /d }]\nnetwork: { mode: open, allowedDomains: [x.test], deniedDomains: [y.test] }\nresources: { pidsLimit: 10 }\n', 'c.yaml')
    expect(configWidenings(config)).toEqual(['image: r.example/i:1', 'agent: shell', 'boundary: gvisor', 'log.retentionDays: 2', 'env: A', 'mount: /d → /d (ro)', 'network.mode: open', 'allowedDomains: x.test'])
    expect(configWidenings(parseConfig('boundary: microvm\nnetwork: { mode: none, deniedDomains: [y.test] }\n', 'c.yaml'))).toEqual([])
  })

  it('lists image, baseImage and resources of a project profile too', () => {
    expect(profileWidenings(parseProfile('image: r.example/i:1\nbaseImage: r.example/b:1\nresources: { memoryMb: 9000 }\n', FILE))).toEqual(['image: r.example/i:1', 'baseImage: r.example/b:1', 'resources.memoryMb: 9000'])
  })
})

describe('image references in a profile', () => {
  it('refuse a newline (a second Containerfile instruction) and a leading "-" (a podman flag), naming the field', () => {
    expect(thrownBy(() => parseProfile('baseImage: "debian\\nRUN id"\n', FILE)).message).toMatch(/team\.yaml:1.*baseImage/)
    expect(thrownBy(() => parseProfile('image: "-v/:/host"\n', FILE)).message).toMatch(/team\.yaml:1.*image/)
  })
})
