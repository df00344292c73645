import { describe, expect, it } from 'vitest'
import { doctorChecks } from '../../../src/cli/doctor-command.js'
import { aHost, aRootHost } from '../helpers/host.js'

const check = (checks: { name: string }[], name: string) => checks.find((c) => c.name === name)

describe('wrapix doctor as root: the sandbox user', () => {
  it('says each crun session gets a subordinate range of its own when the host allows it', () => {
    const { checks } = doctorChecks(aRootHost({ rootUserns: { usable: true, reason: null } }))
    expect(check(checks, 'sandbox user as root (container)')).toMatchObject({ ok: true, detail: expect.stringContaining('podman --userns=auto') })
    expect(check(checks, 'sandbox user as root (gvisor)')).toMatchObject({ ok: true, detail: expect.stringContaining('unknown mount option "idmap"') })
  })

  it('names what is missing, with the fix, when it does not', () => {
    const reason = '/etc/subuid has no range of 65536 ids for "containers" (podman --userns=auto takes each sandbox\'s ids from it)'
    const c = check(doctorChecks(aRootHost({ rootUserns: { usable: false, reason } })).checks, 'sandbox user as root (container)')
    expect(c).toMatchObject({ ok: false, detail: `host root without capabilities: ${reason}` })
    expect(c).toHaveProperty('fix', expect.stringContaining('containers:2147483647:2147483648'))
  })

  it('shows none of it to a normal user', () => {
    expect(check(doctorChecks(aHost()).checks, 'sandbox user as root (container)')).toBeUndefined()
  })
})
