// Key names: the one default-name rule shared by setup-deploy-key and the launcher, and name validation.
import { WrapixError } from '../errors.js'

/** Names become file names in ~/.ssh/deploy_keys, so keep them to a safe alphabet. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

/** Names wrapix keeps for itself (`wrapix keys rotate builder` means the builder's keys). */
export const RESERVED_KEY_NAMES = ['builder'] as const

/** The first label of a host name: `ada-laptop.local` → `ada-laptop`. */
export function shortHostname(hostname: string): string {
  return hostname.split('.')[0] ?? hostname
}

/**
 * The default key name `<repo>-<short hostname>`. Pure: both `setup-deploy-key` and the launcher call it,
 * so the two can never disagree (the reference system's launcher and setup script did).
 */
export function defaultKeyName(repo: string, hostname: string): string {
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '')
  const host = clean(shortHostname(hostname)) || 'host'
  return `${clean(repo) || 'repo'}-${host}`.slice(0, 100)
}

export function assertKeyName(name: string): string {
  // "-signing", ".pub" and ".json" suffixes would collide with another key's files.
  if (!NAME_PATTERN.test(name) || /(\.json|\.pub|\.tmp|-signing)$/.test(name)) {
    throw new WrapixError(
      'usage',
      `invalid key name "${name}": use letters, digits, ".", "_" and "-" (at most 100 characters)`,
      'pick another name, e.g. setup-deploy-key my-repo-laptop',
    )
  }
  if ((RESERVED_KEY_NAMES as readonly string[]).includes(name)) {
    throw new WrapixError('usage', `the key name "${name}" is reserved for wrapix-builder`, 'pick another name')
  }
  return name
}
