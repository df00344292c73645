// Where session records live and how they are named: `.wrapix/log/<UTC start, ms>-<short id>.json`,
// with the network decisions beside it and journal entries of running sessions in `.journal/`.
import { join } from 'node:path'

export const logDir = (workspace: string): string => join(workspace, '.wrapix', 'log')
export const journalDir = (workspace: string): string => join(logDir(workspace), '.journal')
export const journalPath = (workspace: string, sessionId: string): string =>
  join(journalDir(workspace), `${safeId(sessionId)}.json`)

export const RECORD_SUFFIX = '.json'
export const NETWORK_SUFFIX = '.network.jsonl'

/** A session's record, `<baseName>.json`, and its network decisions beside it. */
export const recordPathOf = (workspace: string, { baseName }: { baseName: string }): string =>
  join(logDir(workspace), checkedBaseName(baseName) + RECORD_SUFFIX)
export const networkLogPathOf = (workspace: string, { baseName }: { baseName: string }): string =>
  join(logDir(workspace), checkedBaseName(baseName) + NETWORK_SUFFIX)

/** `2026-11-22T03:15:22.123Z` → `20261122T031522.123Z`: sorts by time, safe in every file system. */
export function compactUtc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '')
}

const safeId = (id: string): string => id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64) || 'session'

/** The short id in a record name: the first 8 letters or digits of the session id. */
export const shortId = (sessionId: string): string =>
  (sessionId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || 'session').toLowerCase()

/** Base name (no suffix) of a session's files; `attempt` > 0 adds `-N` after a name clash. */
export function recordBaseName(start: Date, sessionId: string, attempt = 0): string {
  return `${compactUtc(start)}-${shortId(sessionId)}${attempt > 0 ? `-${attempt + 1}` : ''}`
}

const NAME = /^(\d{8}T\d{6}\.\d{3}Z)-[a-z0-9]+(?:-\d+)?$/

/** Whether `base` is a record name wrapix makes; names read back from disk (journals) are checked with it. */
export const isRecordBaseName = (base: string): boolean => NAME.test(base)

// Paths are never built from file content that is not a record name (a journal may be planted).
function checkedBaseName(base: string): string {
  if (!isRecordBaseName(base)) throw new Error(`not a session record name: ${JSON.stringify(base).slice(0, 80)}`)
  return base
}

/** Session ids wrapix makes (hex); a journal file is named after its entry's id. */
export const isSessionId = (id: string): boolean => /^[A-Za-z0-9_-]{1,64}$/.test(id)

/** The start time encoded in a record's base name, or undefined for a file wrapix did not name. */
export function startFromBaseName(base: string): Date | undefined {
  const m = NAME.exec(base)
  if (!m) return undefined
  const s = m[1]!
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 11)}:${s.slice(11, 13)}:${s.slice(13)}`
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? undefined : date
}
