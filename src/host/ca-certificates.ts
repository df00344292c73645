// The certificates of a PEM bundle as a set of fingerprints, to tell which CAs the host trusts and an image does not.
import { createHash } from 'node:crypto'

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g

/** SHA-256 of each certificate's DER bytes (so line wrapping and comments between blocks do not matter). */
export function certificateFingerprints(pem: string): Set<string> {
  const found = new Set<string>()
  for (const match of pem.matchAll(PEM_BLOCK)) {
    const der = Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'base64')
    if (der.length > 0) found.add(createHash('sha256').update(der).digest('hex'))
  }
  return found
}

/** Fingerprints in the host bundle that the image's bundle lacks, sorted. */
export const hostOnlyCertificates = (host: ReadonlySet<string>, image: ReadonlySet<string>): string[] =>
  [...host].filter((fp) => !image.has(fp)).sort()
