// ed25519 key pairs in OpenSSH format (ssh2's generator) and their SHA256 fingerprints.
import { createHash } from 'node:crypto'
import ssh2 from 'ssh2'
import { WrapixError } from '../errors.js'

export interface KeyPair {
  readonly privateKey: string // OpenSSH "BEGIN OPENSSH PRIVATE KEY", no passphrase
  readonly publicKey: string // one authorized_keys line, "ssh-ed25519 AAAA… comment", no newline
  readonly fingerprint: string // "SHA256:…" exactly as `ssh-keygen -l` prints it
}

/** A fresh ed25519 key pair; `comment` names the key in the public line (and in GitHub's UI). */
export function generateKeyPair(comment: string): KeyPair {
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment })
  const privateKey = pair.private.endsWith('\n') ? pair.private : `${pair.private}\n`
  const publicKey = pair.public.trim()
  return { privateKey, publicKey, fingerprint: fingerprintOf(publicKey) }
}

/** `ssh-ed25519 AAAA… comment` → `AAAA…` (the part GitHub compares; comments differ). */
export function publicKeyBlob(publicKeyLine: string): string {
  const parts = publicKeyLine.trim().split(/\s+/)
  const blob = parts[1]
  if (parts.length < 2 || blob === undefined || !/^[A-Za-z0-9+/]+={0,3}$/.test(blob)) {
    throw new WrapixError('internal', 'not an OpenSSH public key line', 'regenerate the key with -f')
  }
  return blob
}

/** `ssh-ed25519 AAAA… comment` → `ssh-ed25519 AAAA…`: the form known_hosts and Nix's publicHostKey pin. */
export const withoutComment = (publicKeyLine: string): string => publicKeyLine.trim().split(/\s+/).slice(0, 2).join(' ')

/** OpenSSH's SHA256 fingerprint: base64 of sha256(key blob) without padding. */
export function fingerprintOf(publicKeyLine: string): string {
  const digest = createHash('sha256').update(Buffer.from(publicKeyBlob(publicKeyLine), 'base64')).digest('base64')
  return `SHA256:${digest.replace(/=+$/, '')}`
}

/** Two public key lines name the same key when their blobs match (type and comment aside). */
export const samePublicKey = (a: string, b: string): boolean => publicKeyBlob(a) === publicKeyBlob(b)
