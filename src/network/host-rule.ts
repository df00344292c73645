// One allow/deny rule: parsing "name", "*.suffix", "IP", "CIDR", each with an optional ":port" (pure).
import { isIP } from 'node:net'
import { WrapixError } from '../errors.js'
import { parseIpRange } from './ip-address.js'
import type { IpRange } from './ip-address.js'

/** Where a rule came from, shown in denials and `wrapix policy check`. */
export type RuleSource = 'built-in' | `profile ${string}` | 'user config' | 'project config' | '--allow' | '--deny'

export const DEFAULT_PORT = 443

interface RuleBase {
  readonly text: string // as written, for messages
  readonly source: RuleSource
  /** null: no port written (allow rules mean 443, deny rules mean every port). */
  readonly port: number | null
}
export interface NameRule extends RuleBase {
  readonly kind: 'name'
  readonly name: string
}
export interface WildcardRule extends RuleBase {
  readonly kind: 'wildcard'
  readonly suffix: string // "example.com" for "*.example.com"
}
export interface AddressRule extends RuleBase {
  readonly kind: 'address'
  readonly range: IpRange
}
export type HostRule = NameRule | WildcardRule | AddressRule

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/

/** Lower-cases and drops a trailing dot; returns null unless it is a valid DNS name. */
export function normalizeHostName(host: string): string | null {
  const name = host.toLowerCase().replace(/\.$/, '')
  if (name.length === 0 || name.length > 253) return null
  return name.split('.').every((l) => LABEL.test(l)) ? name : null
}

function splitPort(text: string): { host: string; port: number | null } | null {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text)
  if (bracketed) return { host: bracketed[1] ?? '', port: bracketed[2] === undefined ? null : Number(bracketed[2]) }
  // A bare IPv6 address or CIDR has colons of its own: it can only carry a port in brackets.
  if (isIP(text.split('/')[0] ?? '') === 6) return { host: text, port: null }
  const m = /^([^:]+)(?::(\d+))?$/.exec(text)
  if (!m) return null
  return { host: m[1] ?? '', port: m[2] === undefined ? null : Number(m[2]) }
}

/** Parses one rule; `where` names the file or flag for the error message. */
export function parseHostRule(text: string, source: RuleSource, where: string = source): HostRule {
  const bad = (why: string): WrapixError =>
    new WrapixError(
      'config',
      `${where}: invalid network rule "${text}": ${why}`,
      'use "example.com", "*.example.com", "10.0.0.0/8" or "[::1]", each optionally with ":PORT"',
    )
  const parts = splitPort(text.trim())
  if (!parts) throw bad('cannot read it')
  const { host, port } = parts
  if (port !== null && (!Number.isInteger(port) || port < 1 || port > 65535)) throw bad('port must be 1-65535')
  const range = parseIpRange(host)
  if (range) return { kind: 'address', range, port, text, source }
  if (host.startsWith('*.')) {
    const suffix = normalizeHostName(host.slice(2))
    if (!suffix) throw bad('not a valid domain after "*."')
    return { kind: 'wildcard', suffix, port, text, source }
  }
  if (host.includes('*')) throw bad('"*" is only allowed as the first label, as in "*.example.com"')
  // All digits and dots (999.999.999.999) is a mistyped address, never a host name: no top-level domain is numeric.
  if (/^[\d.]+$/.test(host)) throw bad('not a valid IP address')
  const name = normalizeHostName(host)
  if (!name) throw bad('not a valid host name')
  return { kind: 'name', name, port, text, source }
}

/** `--allow`/`--deny` argument to print for a host and port ("[::1]:443" for IPv6). */
export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`
}
