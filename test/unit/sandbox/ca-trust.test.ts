import { describe, expect, it } from 'vitest'
import { planCaTrust } from '../../../src/sandbox/ca-trust.js'
import { thrownBy } from '../helpers/errors.js'
import { aHost } from '../helpers/host.js'
import { aSettings, sourced } from '../helpers/settings.js'

const SYSTEM = '/etc/ssl/certs/ca-certificates.crt'
const fileFact = (realPath: string) => ({ exists: true, realPath, isDir: false, isSymlink: false })

describe('planCaTrust', () => {
  it('adds nothing when trust is off', () => {
    expect(planCaTrust({ trust: false, settings: aSettings(), host: aHost(), cwd: '/w', facts: {} })).toEqual({ binds: [], env: {} })
  })

  it("binds the host's system bundle read-only and points every CA variable at it", () => {
    const plan = planCaTrust({ trust: true, settings: aSettings(), host: aHost(), cwd: '/w', facts: { [SYSTEM]: fileFact('/etc/ssl/real.crt') } })
    expect(plan.binds).toEqual([{ kind: 'bind', source: '/etc/ssl/real.crt', dest: '/etc/wrapix/tls/ca-bundle.crt', readOnly: true }])
    expect(Object.keys(plan.env).sort()).toEqual(['CURL_CA_BUNDLE', 'GIT_SSL_CAINFO', 'NODE_EXTRA_CA_CERTS', 'PIP_CERT', 'REQUESTS_CA_BUNDLE', 'SSL_CERT_FILE'])
    expect(new Set(Object.values(plan.env))).toEqual(new Set(['/etc/wrapix/tls/ca-bundle.crt']))
  })

  it('uses the configured bundle (~ is the home directory)', () => {
    const settings = aSettings({ hostCaBundle: sourced<string | null>('~/corp-ca.pem', 'user', '/home/ada/.config/wrapix/config.yaml') })
    const plan = planCaTrust({ trust: true, settings, host: aHost(), cwd: '/w', facts: { '/home/ada/corp-ca.pem': fileFact('/home/ada/corp-ca.pem') } })
    expect(plan.binds[0]?.source).toBe('/home/ada/corp-ca.pem')
  })

  it('stops with the fix when asked for and impossible', () => {
    expect(thrownBy(() => planCaTrust({ trust: true, settings: aSettings(), host: aHost({ caBundle: null }), cwd: '/w', facts: {} }))).toMatchObject({ kind: 'host', hint: expect.stringContaining('hostBundle') })
    expect(thrownBy(() => planCaTrust({ trust: true, settings: aSettings(), host: aHost(), cwd: '/w', facts: {} }))).toMatchObject({ kind: 'config', message: expect.stringContaining(`${SYSTEM} is not a file`) })
  })
})
