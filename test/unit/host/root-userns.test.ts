import { describe, expect, it } from 'vitest'
import { parseSubIdEntries, rootUsernsSupport, type RootUsernsInputs } from '../../../src/host/root-userns.js'

const EXT4 = 0xef53
const TMPFS = 0x01021994
const NFS = 0x6969
const ids = parseSubIdEntries('root:100000:65536\ncontainers:1000000:1000000\nada:165536:65536\n')
const inputs = (overrides: Partial<RootUsernsInputs> = {}): RootUsernsInputs => ({
  kernel: '6.1.0-18-amd64',
  subuid: ids,
  subgid: ids,
  filesystems: [{ path: '/srv/project', type: EXT4 }],
  ...overrides,
})

describe('rootUsernsSupport', () => {
  it('is usable with a "containers" range apart from every user\'s, on a filesystem with id-mapped mounts', () => {
    expect(rootUsernsSupport(inputs())).toEqual({ usable: true, reason: null })
  })

  it('needs a "containers" range of 65536 ids in both files', () => {
    expect(rootUsernsSupport(inputs({ subuid: parseSubIdEntries('root:100000:65536\n') })).reason).toMatch(/^\/etc\/subuid has no range of 65536 ids for "containers"/)
    expect(rootUsernsSupport(inputs({ subgid: null })).reason).toMatch(/^\/etc\/subgid has no range/)
    expect(rootUsernsSupport(inputs({ subuid: parseSubIdEntries('containers:1000000:1000\n') })).usable).toBe(false)
  })

  it('refuses a "containers" range that overlaps another user\'s subordinate ids', () => {
    const overlapping = parseSubIdEntries('containers:100000:1000000\nada:165536:65536\n')
    expect(rootUsernsSupport(inputs({ subuid: overlapping })).reason).toBe('/etc/subuid: the "containers" range 100000+1000000 overlaps ada\'s 165536+65536')
  })

  it('refuses a path on a filesystem without id-mapped mounts, or on tmpfs before Linux 6.3', () => {
    expect(rootUsernsSupport(inputs({ filesystems: [{ path: '/srv/p', type: EXT4 }, { path: '/net/p', type: NFS }] })).reason).toBe('/net/p is on a filesystem (type 0x6969) without id-mapped mounts')
    expect(rootUsernsSupport(inputs({ filesystems: [{ path: '/run/wrapix', type: TMPFS }] })).reason).toBe('/run/wrapix is on tmpfs, which has id-mapped mounts from Linux 6.3 (this is 6.1.0-18-amd64)')
    expect(rootUsernsSupport(inputs({ kernel: '6.8.0-40-generic', filesystems: [{ path: '/run/wrapix', type: TMPFS }] })).usable).toBe(true)
    expect(rootUsernsSupport(inputs({ kernel: '5.10.0-28-amd64' })).reason).toMatch(/ext4, which has id-mapped mounts from Linux 5\.12/)
    expect(rootUsernsSupport(inputs({ filesystems: [{ path: '/x', type: null }] })).reason).toBe('/x is on a filesystem (unknown) without id-mapped mounts')
  })
})
