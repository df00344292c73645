// Rows for `wrapix keys ls`: deploy keys and the builder's key, with ages and rotation warnings (pure).
import { keyAgeDays, keyAgeWarning } from './key-age.js'
import type { KeyRecord } from './key-record.js'

export interface KeyRow {
  readonly name: string
  readonly kind: 'deploy' | 'builder'
  readonly repository: string // owner/repo, or the builder's address
  readonly created: string
  readonly ageDays: number
  readonly registered: boolean
  readonly readOnly: boolean
  readonly fingerprint: string
  readonly signingFingerprint: string | null
  readonly warning: string | null
}

export interface BuilderKeyFacts {
  readonly name: string
  readonly address: string
  readonly created: string
  readonly fingerprint: string
}

export function keyRows(records: readonly KeyRecord[], builder: BuilderKeyFacts | null, now: Date): KeyRow[] {
  const rows: KeyRow[] = records.map((r) => ({
    name: r.name,
    kind: 'deploy',
    repository: r.repository,
    created: r.created,
    ageDays: keyAgeDays(r.created, now),
    registered: r.registered,
    readOnly: r.readOnly,
    fingerprint: r.deploy.fingerprint,
    signingFingerprint: r.signing?.fingerprint ?? null,
    warning: r.registered ? keyAgeWarning('deploy', r.name, r.created, now)
      : `deploy key "${r.name}" is not registered with GitHub: setup-deploy-key ${r.name} -f`,
  }))
  if (builder) {
    rows.push({
      name: 'builder',
      kind: 'builder',
      repository: `${builder.name} (${builder.address})`,
      created: builder.created,
      ageDays: keyAgeDays(builder.created, now),
      registered: true,
      readOnly: false,
      fingerprint: builder.fingerprint,
      signingFingerprint: null,
      warning: keyAgeWarning('builder', 'builder', builder.created, now),
    })
  }
  return rows
}

/** Plain aligned columns; the fingerprint last because it is long. */
export function formatKeyTable(rows: readonly KeyRow[]): string {
  const header = ['NAME', 'REPOSITORY', 'CREATED', 'AGE', 'REGISTERED', 'FINGERPRINT']
  const cells = rows.map((r) => [
    r.name,
    r.repository,
    r.created.slice(0, 10),
    `${r.ageDays}d${r.warning && r.registered ? '!' : ''}`,
    r.registered ? (r.kind === 'deploy' ? (r.readOnly ? 'yes (read-only)' : 'yes') : 'local') : 'NO',
    r.fingerprint,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)))
  return [header, ...cells].map((line) => line.map((c, i) => (i === line.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n')
}
