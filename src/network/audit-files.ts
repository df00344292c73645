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

/** Finds the audit file of SESSION (a base name, its short id, or a prefix); the latest when none is given. */
export async function findAuditFile(logDir: string, session?: string): Promise<{ session: string; file: string }> {
  const sessions = await auditSessions(logDir)
  const matches = session === undefined ? sessions.slice(-1) : sessions.filter((s) => s === session || s.startsWith(session) || s.split('-')[1] === session)
  const chosen = matches.length === 1 || session === undefined ? matches.at(-1) : matches.find((s) => s === session)
  if (chosen === undefined) {
    const what = session === undefined ? 'no session has network decisions yet' : matches.length > 1 ? `"${session}" matches ${matches.length} sessions` : `no session "${session}"`
    throw new WrapixError('usage', `${what} in ${logDir}`, 'list sessions with: wrapix logs (or ls .wrapix/log)')
  }
  return { session: chosen, file: join(logDir, `${chosen}${SUFFIX}`) }
}

/** Parses JSON lines; a torn last line (a session still writing) is skipped. */
export async function readAuditEvents(file: string): Promise<AuditEvent[]> {
  const text = await readFile(file, 'utf8')
  const events: AuditEvent[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    try {
      events.push(JSON.parse(line) as AuditEvent)
    } catch {
      // a half-written line from a live session
    }
  }
  return events
}
