// Reading a workspace's audit files (`.wrapix/log/<base>.network.jsonl`) for `wrapix policy log`.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { WrapixError } from '../errors.js'
import type { AuditEvent } from './audit-log.js'

const SUFFIX = '.network.jsonl'

/** Base names (without suffix) of the sessions that have an audit file, oldest first. */
export async function auditSessions(logDir: string): Promise<string[]> {
  const names = await readdir(logDir).catch(() => [] as string[])
  return names.filter((n) => n.endsWith(SUFFIX)).map((n) => n.slice(0, -SUFFIX.length)).sort()
}

/** Does base name `base` (`<UTC>-<short id>[-N]`) belong to REF: the name or its prefix, the short id, or a session id or its prefix? */
function matchesSession(base: string, ref: string): boolean {
  const short = base.split('-')[1] ?? ''
  const id = ref.replace(/[^A-Za-z0-9]/g, '').toLowerCase()
  return base === ref || base.startsWith(ref) || short === ref || (id.length > 0 && (id.length >= short.length ? id.startsWith(short) : short.startsWith(id)))
}

/** Finds the audit file of SESSION (the ids `wrapix log show` takes: latest, a name, a session id, or a prefix); the latest when none is given. */
export async function findAuditFile(logDir: string, session?: string): Promise<{ session: string; file: string }> {
  const sessions = await auditSessions(logDir)
  if (session === 'latest') session = undefined
  const matches = session === undefined ? sessions.slice(-1) : sessions.filter((s) => matchesSession(s, session))
  const chosen = matches.length === 1 || session === undefined ? matches.at(-1) : matches.find((s) => s === session)
  if (chosen === undefined) {
    const what = session === undefined ? 'no session has network decisions yet' : matches.length > 1 ? `"${session}" matches ${matches.length} sessions` : `no session "${session}"`
    throw new WrapixError('usage', `${what} in ${logDir}`, 'list sessions with: wrapix log ls')
  }
  return { session: chosen, file: join(logDir, `${chosen}${SUFFIX}`) }
}

/** Parses JSON lines; lines that are not audit events (damaged, torn by a live session, foreign) are counted, not guessed at. */
export async function readAuditEvents(file: string): Promise<{ events: AuditEvent[]; skippedLines: number[] }> {
  const text = await readFile(file, 'utf8')
  const events: AuditEvent[] = []
  const skippedLines: number[] = []
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return
    try {
      const event = JSON.parse(line) as unknown
      if (isAuditEvent(event)) events.push(event)
      else skippedLines.push(index + 1)
    } catch {
      skippedLines.push(index + 1)
    }
  })
  return { events, skippedLines }
}

function isAuditEvent(value: unknown): value is AuditEvent {
  const e = value as Partial<AuditEvent> | null
  return (
    typeof e === 'object' && e !== null && (e.decision === 'allow' || e.decision === 'deny') &&
    typeof e.host === 'string' && typeof e.port === 'number' && typeof e.time === 'string'
  )
}
