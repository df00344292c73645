// The audit trail of one session's network decisions: JSON lines appended to a host-side file, plus counts.
import { constants, createWriteStream, openSync } from 'node:fs'
import type { WriteStream } from 'node:fs'
import type { RuleSource } from './host-rule.js'

/** One line of `<session>.network.jsonl`. */
export interface AuditEvent {
  readonly time: string // ISO 8601, when the request arrived
  readonly kind: 'connect' | 'http'
  readonly host: string
  readonly port: number
  readonly address: string | null // the address connected to (null when refused before resolution)
  readonly decision: 'allow' | 'deny'
  readonly rule: string | null
  readonly source: RuleSource | null
  readonly reason: string
  readonly allowArg: string | null
  readonly bytesUp: number
  readonly bytesDown: number
  readonly durationMs: number
  readonly error?: string // allowed, but the upstream connection failed (or was closed: "idle timeout")
  /** Credentials the proxy added to this request (names only, never values). */
  readonly credentials?: readonly string[]
  /** The credential whose placeholder this refused request carried to a host it does not belong to. */
  readonly credentialLeak?: string
  /** The host's upstream proxy this connection went through (password masked). */
  readonly via?: string
}

export interface DeniedHost {
  readonly host: string
  readonly port: number
  readonly count: number
  /** The command that would allow it, or null when no rule would (a deny rule, a name that does not resolve). */
  readonly allowCommand: string | null
  /** Why it was denied (the first denial's reason). */
  readonly reason: string
}

export interface CredentialLeak {
  readonly credential: string
  readonly host: string
  readonly port: number
  readonly count: number
}

export interface AuditCounts {
  readonly allowed: number
  readonly denied: number
  readonly deniedHosts: readonly DeniedHost[]
  /** Refused requests that carried a credential placeholder to another host. */
  readonly credentialLeaks: readonly CredentialLeak[]
}

export class AuditLog {
  private readonly out: WriteStream
  private allowed = 0
  private denied = 0
  private readonly deniedByTarget = new Map<string, { host: string; port: number; count: number; allowCommand: string | null; reason: string }>()
  private readonly leaks = new Map<string, { credential: string; host: string; port: number; count: number }>()

  /**
   * `redact` masks secrets: names and URLs come from the sandbox, which holds the session's credentials
   * and may put one in a host name; nothing unmasked reaches the file, the counts or the summary.
   */
  constructor(readonly path: string, private readonly redact: (text: string) => string = (t) => t) {
    // O_NOFOLLOW: the file sits in the project's .wrapix/log, never written through a planted link.
    const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = constants
    this.out = createWriteStream(path, { fd: openSync(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600) })
    this.out.on('error', () => {}) // a full disk must not take the proxy down; counts still reach the summary
  }

  /**
   * Every decision reaches the file: each string is masked on its own before the line is serialised, so a
   * mask can never cut a JSON escape; if anything still fails, a minimal line without the names is written.
   */
  record(raw: AuditEvent): void {
    let event: AuditEvent
    try {
      event = this.mask(raw)
    } catch {
      event = { ...raw, host: '(unprintable)', reason: 'unprintable', rule: null, allowArg: null, ...(raw.error ? { error: 'unprintable' } : {}) }
    }
    this.count(event)
    this.out.write(`${JSON.stringify(event)}\n`)
  }

  private mask(raw: AuditEvent): AuditEvent {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(raw)) {
      out[key] = typeof value === 'string' ? this.redact(value) : Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? this.redact(v) : v)) : value
    }
    return out as unknown as AuditEvent
  }

  private count(event: AuditEvent): void {
    if (event.decision === 'allow') return void this.allowed++
    this.denied++
    const key = `${event.host} ${event.port}`
    const seen = this.deniedByTarget.get(key)
    if (seen) seen.count++
    else {
      const allowCommand = event.allowArg === null ? null : `wrapix --allow ${event.allowArg}`
      this.deniedByTarget.set(key, { host: event.host, port: event.port, count: 1, allowCommand, reason: event.reason })
    }
    if (event.credentialLeak !== undefined) {
      const leakKey = `${event.credentialLeak} ${key}`
      const leak = this.leaks.get(leakKey)
      if (leak) leak.count++
      else this.leaks.set(leakKey, { credential: event.credentialLeak, host: event.host, port: event.port, count: 1 })
    }
  }

  counts(): AuditCounts {
    return {
      allowed: this.allowed, denied: this.denied,
      deniedHosts: [...this.deniedByTarget.values()].map((d) => ({ ...d })),
      credentialLeaks: [...this.leaks.values()].map((l) => ({ ...l })),
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve))
  }
}
