// Which agent credentials a session gets, and how (pure): by default a placeholder in the sandbox and the
// real value added by the host proxy on the way to the credential's own API; by value only when asked.
import type { ResolvedSettings } from '../config/settings.js'
import { BUILTIN_CREDENTIALS, credentialPlaceholder, parseUpstream, routeFor } from '../network/credentials.js'
import type { CredentialEntry, CredentialScheme, CredentialUpstream } from '../network/credentials.js'
import type { NetworkMode } from './plan.js'

export type CredentialDelivery = 'proxy' | 'env'

/** One credential the proxy injects, without its value (the plan never holds a secret). */
export interface PlannedCredential {
  readonly name: string
  readonly header: string
  readonly scheme: CredentialScheme
  readonly placeholder: string
  readonly route: string
  readonly upstream: CredentialUpstream
}

/** What the session record says about a credential: names and hosts, never values. */
export interface CredentialRecord {
  readonly name: string
  readonly delivery: CredentialDelivery | 'withheld'
  readonly host: string | null
  readonly port: number | null
  readonly header: string | null
}

export interface CredentialPlan {
  /** Placeholders and base URLs for the sandbox (no secret). */
  readonly env: Record<string, string>
  /** Credentials the sandbox receives by value (the user's opt-out): their values travel as secrets. */
  readonly byValue: readonly string[]
  /** Variable names this plan took over from -e (credentials and base URLs); they do not reach the sandbox as given. */
  readonly consumed: readonly string[]
  readonly injected: readonly PlannedCredential[]
  readonly record: readonly CredentialRecord[]
  readonly notices: readonly string[]
}

export interface CredentialInput {
  readonly settings: ResolvedSettings
  readonly hostEnv: Readonly<Record<string, string | undefined>>
  /** Extra table rows and per-variable delivery, from the profile and the user config (never the project). */
  readonly entries: readonly CredentialEntry[]
  readonly delivery: Readonly<Record<string, CredentialDelivery>>
  readonly networkMode: NetworkMode
  readonly sessionId: string
  /** Where the sandbox reaches the proxy's credential routes. */
  readonly proxyUrl: string
}

/** The table in force: built-in rows, overridden or extended by the profile's and the user's. */
export function credentialTable(extra: readonly CredentialEntry[]): CredentialEntry[] {
  const rows = new Map(BUILTIN_CREDENTIALS.map((e) => [e.name, e]))
  for (const e of extra) rows.set(e.name, e)
  return [...rows.values()]
}

/** A variable's value as the user set it for the sandbox: -e, then the user's or profile's env, then the host's. */
export function credentialValue(settings: ResolvedSettings, hostEnv: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const configured = settings.env[name]
  if (configured && configured.source !== 'project') return configured.value
  const host = hostEnv[name]
  return host !== undefined && host !== '' ? host : undefined
}

export function planCredentials(input: CredentialInput): CredentialPlan {
  const env: Record<string, string> = {}
  const byValue: string[] = []
  const consumed = new Set<string>()
  const injected: PlannedCredential[] = []
  const record: CredentialRecord[] = []
  const notices: string[] = []
  const routes = new Map<string, string>() // upstream URL → route
  for (const entry of credentialTable(input.entries)) {
    if (credentialValue(input.settings, input.hostEnv, entry.name) === undefined) continue
    if (input.delivery[entry.name] !== 'env' || input.networkMode === 'none') consumed.add(entry.name)
    if (input.networkMode === 'none') {
      record.push({ name: entry.name, delivery: 'withheld', host: null, port: null, header: null })
      notices.push(`${entry.name} is not given to the sandbox: network mode "none" has no way to reach its API`)
      continue
    }
    if (input.delivery[entry.name] === 'env') {
      byValue.push(entry.name)
      record.push({ name: entry.name, delivery: 'env', host: null, port: null, header: null })
      notices.push(`${entry.name} is passed into the sandbox by value (credentials.${entry.name}: env): anything the agent runs can read and send it`)
      continue
    }
    const gateway = credentialValue(input.settings, input.hostEnv, entry.baseUrlEnv)
    const url = gateway ?? entry.url
    const upstream = parseUpstream(url)
    if (!upstream) {
      notices.push(`${entry.name} is not given to the sandbox: ${entry.baseUrlEnv} is not a plain http(s) URL`)
      record.push({ name: entry.name, delivery: 'withheld', host: null, port: null, header: null })
      continue
    }
    if (gateway !== undefined) consumed.add(entry.baseUrlEnv)
    const key = `${upstream.tls ? 'https' : 'http'}://${upstream.host}:${upstream.port}${upstream.basePath}`
    const route = routes.get(key) ?? routeFor(upstream, new Set(routes.values()))
    routes.set(key, route)
    const placeholder = credentialPlaceholder(input.sessionId, entry.name)
    env[entry.name] = placeholder
    env[entry.baseUrlEnv] = `${input.proxyUrl}${route}`
    injected.push({ name: entry.name, header: entry.header, scheme: entry.scheme, placeholder, route, upstream })
    record.push({ name: entry.name, delivery: 'proxy', host: upstream.host, port: upstream.port, header: entry.header })
  }
  return { env, byValue, consumed: [...consumed], injected, record, notices }
}
