// The network part of a session record: what the proxy allowed and denied, summarised. The full list of
// decisions lives in the record's sibling `<record>.network.jsonl` (written by the network proxy).
import type { NetworkMode } from '../sandbox/plan.js'

export interface DeniedHost {
  host: string
  port: number
  count: number
  /** The one command that would allow this host, shown to the user; null when no rule would. */
  allowCommand: string | null
  /** Why it was denied. */
  reason: string
}

export interface NetworkSummary {
  mode: NetworkMode
  /** sha256 digest of the effective policy (allow/deny rules), e.g. `sha256:…`. */
  policyDigest: string
  allowed: number
  denied: number
  deniedHosts: DeniedHost[]
}
