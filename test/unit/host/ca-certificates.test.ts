import { describe, expect, it } from 'vitest'
import { certificateFingerprints, hostOnlyCertificates } from '../../../src/host/ca-certificates.js'

const block = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`
const A = Buffer.from('certificate A').toString('base64')
const B = Buffer.from('certificate B').toString('base64')

describe('certificateFingerprints', () => {
  it('identifies a certificate by its bytes, whatever the line wrapping or text around it', () => {
    const wrapped = block(`${A.slice(0, 8)}\n${A.slice(8)}`)
    expect(certificateFingerprints(`# Comment\n${wrapped}`)).toEqual(certificateFingerprints(block(A)))
    expect(certificateFingerprints(block(A) + block(B)).size).toBe(2)
    expect(certificateFingerprints('no certificates here').size).toBe(0)
  })

  it('lists the host CAs the image lacks', () => {
    const host = certificateFingerprints(block(A) + block(B))
    const image = certificateFingerprints(block(A))
    expect(hostOnlyCertificates(host, image)).toEqual([...certificateFingerprints(block(B))])
    expect(hostOnlyCertificates(image, host)).toEqual([])
  })
})
