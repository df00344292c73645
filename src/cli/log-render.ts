// Text rendering of session records for `wrapix log ls|show` (pure: records in, lines out).
import chalk from 'chalk'
import type { StoredRecord } from '../session/log-store.js'
import type { SessionRecord } from '../session/record-schema.js'

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`
}

/** Local time, minute precision: what a person scanning the list wants. */
export function formatWhen(iso: string): string {
  const d = new Date(iso)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export function formatExit(r: Pick<SessionRecord, 'exitCode' | 'exitStatus'>): string {
  if (r.exitCode === null) return r.exitStatus === 'unknown' ? '?' : r.exitStatus
  return r.exitStatus === 'signal' ? `${r.exitCode} (signal)` : String(r.exitCode)
}

/** How a session that did not simply exit ended, in a word or two for the list: recovered, SIGHUP, helper died. */
export function formatInterruption(r: Pick<SessionRecord, 'interruption' | 'host'>): string | null {
  const i = r.interruption
  if (r.host.finalizedBy === 'recovery') return i?.cause === 'host-restarted' ? 'recovered: host restarted' : 'recovered'
  if (!i) return null
  return i.cause === 'signal' ? (i.signal ?? 'signal') : i.cause === 'helper' ? 'helper died' : i.cause
}

const exitCell = (r: SessionRecord): string => {
  const how = formatInterruption(r)
  if (!how) return formatExit(r)
  return `${r.exitStatus === 'signal' && r.exitCode !== null ? r.exitCode : formatExit(r)} (${how})`
}

/** The row `wrapix log ls --json` prints per record. */
export function listEntry(s: StoredRecord) {
  const r = s.record
  return {
    name: s.name,
    id: r.id,
    start: r.start,
    durationMs: r.durationMs,
    exitCode: r.exitCode,
    exitStatus: r.exitStatus,
    agent: r.agent.name,
    mode: r.mode,
    taskId: r.taskId,
    denied: r.network?.denied ?? null,
    finalizedBy: r.host.finalizedBy,
    interruption: r.interruption ?? null,
    path: s.path,
  }
}

export function renderList(records: StoredRecord[]): string[] {
  const header = ['WHEN', 'DURATION', 'EXIT', 'AGENT', 'MODE', 'TASK', 'DENIED', 'RECORD']
  const rows = records.map(({ name, record: r }) => [
    formatWhen(r.start),
    formatDuration(r.durationMs),
    exitCell(r),
    r.agent.name,
    r.mode,
    r.taskId ?? '-',
    r.network ? String(r.network.denied) : '-',
    name,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [
    chalk.bold(line(header)),
    ...rows.map((row, i) => {
      const text = line(row)
      const r = records[i]!.record
      return r.exitCode === 0 ? text : r.exitCode === null ? chalk.yellow(text) : chalk.red(text)
    }),
  ]
}

const LIST_LIMIT = 20
const more = (all: readonly unknown[], shown: number): string[] => (all.length > shown ? [chalk.dim(`    … ${all.length - shown} more (see --json)`)] : [])
const section = (title: string): string => chalk.bold(title)

export function renderShow({ name, path, record: r }: StoredRecord): string[] {
  const out: string[] = [
    `${chalk.bold('session')} ${r.id}  ${chalk.dim(path)}`,
    `  when      ${formatWhen(r.start)} → ${formatWhen(r.end)} (${formatDuration(r.durationMs)})`,
    `  exit      ${formatExit(r)}${r.interruption ? chalk.yellow(`  (${r.interruption.detail})`) : r.host.finalizedBy === 'recovery' ? chalk.yellow('  (wrapix died; recorded by a later run)') : ''}`,
    `  mode      ${r.mode}${r.taskId ? `  task ${r.taskId}` : ''}`,
    `  agent     ${r.agent.name}${r.agent.version ? ` ${r.agent.version}` : ''}${r.agent.sessionIds.length ? `  session ${r.agent.sessionIds.join(', ')}` : ''}`,
    `  sandbox   ${r.boundary} (${r.runtime}), image ${r.image.ref}${r.image.id ? ` (${r.image.id.slice(0, 19)})` : ''}, profile ${r.profile.name}`,
    `  network   ${r.policy.mode ?? 'unknown'}${r.network ? `: ${r.network.allowed} allowed, ${r.network.denied} denied` : ''}`,
  ]
  for (const d of r.network?.deniedHosts ?? []) {
    out.push(`    ${chalk.red('denied')} ${d.host}:${d.port} ×${d.count}${chalk.dim(d.allowCommand ? `  allow with: ${d.allowCommand}` : `  ${d.reason}`)}`)
  }
  out.push(...renderGit(r.git), ...renderTranscript(r.transcript), chalk.dim(`record ${name}`))
  return out
}

function renderGit(git: SessionRecord['git']): string[] {
  if (!git.available) return [`  git       ${chalk.dim(git.reason)}`]
  const at = (s: { head: string | null; branch: string | null; dirty: boolean } | null): string =>
    s ? `${s.branch ?? 'detached'} @ ${s.head?.slice(0, 12) ?? '(no commits)'}${s.dirty ? ' (dirty)' : ''}` : 'unknown'
  const out = [`  git       ${at(git.before)} → ${at(git.after)}`]
  if (git.error) out.push(`    ${chalk.yellow(git.error)}`)
  if (git.diff) {
    out.push(`    ${git.diff.filesChanged} files changed, ${chalk.green(`+${git.diff.insertions}`)} ${chalk.red(`-${git.diff.deletions}`)}`)
    for (const f of git.diff.files.slice(0, LIST_LIMIT)) {
      out.push(`    ${f.insertions === null ? 'binary' : `${chalk.green(`+${f.insertions}`)} ${chalk.red(`-${f.deletions}`)}`}  ${f.path}`)
    }
    out.push(...more(git.diff.files, LIST_LIMIT))
  }
  return out
}

function renderTranscript(t: SessionRecord['transcript']): string[] {
  if (!t.available) return [section('transcript'), `  ${chalk.dim(t.reason)}`]
  const tools = Object.entries(t.toolCalls).sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${c}`).join(', ')
  const out = [
    section('transcript'),
    `  model     ${t.models.join(', ') || '-'}`,
    `  tokens    in ${t.tokens.input}, out ${t.tokens.output}, cache ${t.tokens.cacheRead} read / ${t.tokens.cacheCreation} written${t.costUsd !== null ? `; cost $${t.costUsd.toFixed(4)}` : ''}`,
    `  tools     ${tools || '-'}`,
  ]
  const files: [string, string[]][] = [['read', t.filesRead], ['written', t.filesWritten], ['edited', t.filesEdited]]
  for (const [label, list] of files) {
    if (list.length === 0) continue
    out.push(`  ${label.padEnd(9)} ${list.slice(0, LIST_LIMIT).join(', ')}`, ...more(list, LIST_LIMIT))
  }
  if (t.commands.length > 0) out.push('  commands')
  for (const c of t.commands.slice(0, LIST_LIMIT)) {
    const status = c.exitCode === null ? chalk.dim('  ?') : c.exitCode === 0 ? chalk.green('  0') : chalk.red(String(c.exitCode).padStart(3))
    out.push(`  ${status}  ${c.command.split('\n')[0]}${c.command.includes('\n') ? chalk.dim(' …') : ''}`)
  }
  out.push(...more(t.commands, LIST_LIMIT))
  for (const f of t.webFetches.slice(0, LIST_LIMIT)) out.push(`  fetch     ${f.url}${f.isError ? chalk.red(' (failed)') : ''}`)
  for (const s of t.webSearches.slice(0, LIST_LIMIT)) out.push(`  search    ${s.query}`)
  out.push(`  raw       ${t.rawPaths.join(', ')}`)
  return out
}
