// Turns an allowed host into the one address the proxy will connect to: resolve (or --resolve), then check it.
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { normalizeHostName } from './host-rule.js'
import { decide, decideAddress } from './policy.js'
import type { Decision, Policy } from './policy.js'

export type Lookup = (host: string) => Promise<string[]>

export const systemLookup: Lookup = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address)

export interface Destination {
  readonly decision: Decision
  /** Addresses that passed every check, in resolver order; empty when refused. */
  readonly addresses: readonly string[]
}

/**
 * Decides on `host:port` and, if allowed, finds the addresses to use. Every address is checked, and the
 * caller connects to one of exactly these, so a second DNS answer can never swap in another target.
 */
export async function resolveDestination(
  policy: Policy,
  host: string,
  port: number,
  overrides: Readonly<Record<string, string>>,
  lookupFn: Lookup,
): Promise<Destination> {
  const decision = decide(policy, host, port)
  if (!decision.allowed) return { decision, addresses: [] }
  const bare = host.replace(/^\[(.*)\]$/, '$1')
  if (isIP(bare) !== 0) return { decision, addresses: [bare] } // a rule named this exact address
  const name = normalizeHostName(host) ?? host
  let candidates: string[]
  const override = overrides[name]
  if (override !== undefined) candidates = [override]
  else {
    try {
      candidates = await lookupFn(name)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'lookup failed'
      return { decision: { allowed: false, rule: decision.rule, reason: `${name} could not be resolved (${code})`, allowArg: null }, addresses: [] }
    }
  }
  const checks = candidates.map((address) => ({ address, check: decideAddress(policy, name, address, port) }))
  const passed = checks.filter((c) => c.check.allowed).map((c) => c.address)
  if (passed.length > 0) return { decision, addresses: passed }
  const refusal = checks[0]?.check ?? { allowed: false, rule: null, reason: `${name} has no addresses`, allowArg: null }
  return { decision: refusal, addresses: [] }
}

/**
 * The decision when an upstream proxy resolves the name (wrapix never sees the address): by name only.
 * IP literals keep the address rules; `localhost` names are loopback whatever the resolver says.
 */
export function decideByName(policy: Policy, host: string, port: number): Destination {
  const decision = decide(policy, host, port)
  if (!decision.allowed) return { decision, addresses: [] }
  const bare = host.replace(/^\[(.*)\]$/, '$1')
  if (isIP(bare) !== 0) return { decision, addresses: [bare] } // decide() already applied the address rules
  const name = normalizeHostName(host) ?? host
  if (name === 'localhost' || name.endsWith('.localhost')) return { decision: decideAddress(policy, name, '127.0.0.1', port), addresses: [] }
  return { decision, addresses: [] }
}
