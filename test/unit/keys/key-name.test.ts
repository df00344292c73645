import { describe, expect, it } from 'vitest'
import { assertKeyName, defaultKeyName } from '../../../src/keys/key-name.js'

describe('defaultKeyName', () => {
  it('is <repo>-<short hostname>', () => {
    expect(defaultKeyName('wrapix', 'ada-laptop.local')).toBe('wrapix-ada-laptop')
  })
  it('keeps dots in repository names', () => {
    expect(defaultKeyName('my.project.io', 'box')).toBe('my.project.io-box')
  })
  it('replaces characters that cannot be in a file name', () => {
    expect(defaultKeyName('repo', 'Ada’s Mac.lan')).toBe('repo-Ada-s-Mac')
  })
  it('produces names that setup accepts', () => {
    for (const [repo, host] of [['a', 'b'], ['.hidden', 'x.y'], ['r', '-weird-']] as const) {
      expect(() => assertKeyName(defaultKeyName(repo, host))).not.toThrow()
    }
  })
})

describe('assertKeyName', () => {
  it.each(['../evil', 'a/b', '', 'x.pub', 'x.json', 'x-signing', 'builder'])('refuses %j', (name) => {
    expect(() => assertKeyName(name)).toThrow(expect.objectContaining({ kind: 'usage' }))
  })
})
