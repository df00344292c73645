// The allow/deny decision for a destination (pure): names and ports first, then the address a name resolved to.
import { DEFAULT_PORT, formatHostPort, normalizeHostName } from './host-rule.js'
import type { HostRule, RuleSource } from './host-rule.js'
import { parseIp, rangeContains, specialRangeOf } from './ip-address.js'
import type { IpAddress } from './ip-address.js'

export interface Policy {
  readonly allow: readonly HostRule[]
  readonly deny: readonly HostRule[]
  /** open mode: any host name and any public IP literal is allowed (deny rules and the address check still apply). */
  readonly anyPublicHost?: boolean
}

export interface RuleRef {
  readonly text: string
  readonly source: RuleSource
}

export interface Decision {
  readonly allowed: boolean
  /** The rule that decided; null when nothing matched (not listed). */
  readonly rule: RuleRef | null
  /** One line for the user: why, and what would change it. */
  readonly reason: string
  /** The `--allow` argument that would permit this destination; null when only removing a deny rule would. */
  readonly allowArg: string | null
}

const ref = (r: HostRule): RuleRef => ({ text: r.text, source: r.source })

function nameMatches(rule: HostRule, name: string): boolean {
  if (rule.kind === 'name') return rule.name === name
  if (rule.kind === 'wildcard') return name.endsWith(`.${rule.suffix}`) // subdomains only, never the bare parent
  return false
}

function addressMatches(rule: HostRule, ip: IpAddress): boolean {
  return rule.kind === 'address' && rangeContains(rule.range, ip)
}

// A rule without a port allows 443 only (plain HTTP on 80 must be asked for) and denies every port.
const allowsPort = (rule: HostRule, port: number): boolean => (rule.port ?? DEFAULT_PORT) === port
const deniesPort = (rule: HostRule, port: number): boolean => rule.port === null || rule.port === port

function denied(rule: HostRule): Decision {
  return {
    allowed: false,
    rule: ref(rule),
    reason: `denied by rule "${rule.text}" (${rule.source}); deny rules win over --allow, so remove it there to permit this`,
    allowArg: null,
  }
}

/** Decides whether the sandbox may open `host:port`, where host is a name or an IP literal. */
export function decide(policy: Policy, host: string, port: number): Decision {
  const ip = parseIp(host)
  const target = formatHostPort(host.replace(/^\[(.*)\]$/, '$1'), port)
  if (ip) {
    const deny = policy.deny.find((r) => addressMatches(r, ip) && deniesPort(r, port))
    if (deny) return denied(deny)
    const allow = policy.allow.find((r) => addressMatches(r, ip) && allowsPort(r, port))
    if (allow) return { allowed: true, rule: ref(allow), reason: `allowed by rule "${allow.text}" (${allow.source})`, allowArg: null }
    if (policy.anyPublicHost && specialRangeOf(ip) === null) return { allowed: true, rule: null, reason: 'open network mode: any public address', allowArg: null }
    return {
      allowed: false,
      rule: null,
      reason: `${target} is an IP address and no rule names it; allow it with: --allow ${target}`,
      allowArg: target,
    }
  }
  const name = normalizeHostName(host)
  if (!name) return { allowed: false, rule: null, reason: `"${host}" is not a valid host name`, allowArg: null }
  const deny = policy.deny.find((r) => nameMatches(r, name) && deniesPort(r, port))
  if (deny) return denied(deny)
  const allow = policy.allow.find((r) => nameMatches(r, name) && allowsPort(r, port))
  if (allow) return { allowed: true, rule: ref(allow), reason: `allowed by rule "${allow.text}" (${allow.source})`, allowArg: null }
  if (policy.anyPublicHost) return { allowed: true, rule: null, reason: 'open network mode: any public host', allowArg: null }
  const nameTarget = formatHostPort(name, port)
  return {
    allowed: false,
    rule: null,
    reason: `${nameTarget} is not in the allowlist; allow it with: --allow ${nameTarget}`,
    allowArg: nameTarget,
  }
}

/**
 * Second check, for a name already allowed: may the proxy connect to the address it resolved to?
 * Public addresses pass; loopback/private/link-local/metadata/… only when an allow rule names that
 * address or range (a rule without a port vouches for the address at any port the name allows).
 */
export function decideAddress(policy: Policy, host: string, address: string, port: number): Decision {
  const ip = parseIp(address)
  if (!ip) return { allowed: false, rule: null, reason: `${host} resolved to "${address}", not an address`, allowArg: null }
  const deny = policy.deny.find((r) => addressMatches(r, ip) && deniesPort(r, port))
  if (deny) return denied(deny)
  const special = specialRangeOf(ip)
  if (special === null) return { allowed: true, rule: null, reason: `${address} is a public address`, allowArg: null }
  const allow = policy.allow.find((r) => addressMatches(r, ip) && (r.port === null || r.port === port))
  if (allow) return { allowed: true, rule: ref(allow), reason: `allowed by rule "${allow.text}" (${allow.source})`, allowArg: null }
  const arg = address.includes(':') ? `[${address}]` : address
  return {
    allowed: false,
    rule: null,
    reason: `${formatHostPort(host, port)} resolves to ${address} (${special}), which is refused unless a rule names that address; allow it with: --allow ${arg}`,
    allowArg: arg,
  }
}
