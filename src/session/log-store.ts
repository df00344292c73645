// Reading session records back for `wrapix log`: list them newest first, find one by id or name.
import { constants } from 'node:fs'
import { open, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { WrapixError } from '../errors.js'
import { logDir, RECORD_SUFFIX } from './log-paths.js'
import { RECORD_SCHEMA_VERSION, SessionRecordSchema, type SessionRecord } from './record-schema.js'

export interface StoredRecord {
  /** Base name of the record file (no `.json`), e.g. `20261122T031522.123Z-a1b2c3d4`. */
  name: string
  path: string
  record: SessionRecord
}

export interface RecordListing {
  records: StoredRecord[]
  /** Files in the log folder that are not valid records (another schema version, damaged). */
  unreadable: { path: string; reason: string }[]
}

export async function listSessionRecords(workspace: string): Promise<RecordListing> {
  const dir = logDir(workspace)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return { records: [], unreadable: [] }
  }
  const files = names.filter((n) => n.endsWith(RECORD_SUFFIX) && !n.startsWith('.'))
  const listing: RecordListing = { records: [], unreadable: [] }
  for (const file of files.sort().reverse()) {
    const path = join(dir, file)
    try {
      const parsed = SessionRecordSchema.safeParse(JSON.parse(await readRecordFile(path)))
      if (parsed.success) listing.records.push({ name: file.slice(0, -RECORD_SUFFIX.length), path, record: parsed.data })
      else listing.unreadable.push({ path, reason: `not a version ${RECORD_SCHEMA_VERSION} session record` })
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const reason = code === 'ELOOP' ? 'a symbolic link, not a record wrapix wrote' : err instanceof SyntaxError ? 'damaged (not JSON)' : (err as Error).message
      listing.unreadable.push({ path, reason })
    }
  }
  // names sort by start time; sessions finalized by recovery keep their start, so this is newest first
  return listing
}

/** Records are plain files wrapix wrote: a symbolic link (O_NOFOLLOW) is never followed out of the log folder. */
async function readRecordFile(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  try {
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
}

/** `latest`, a session id or its prefix, or a record name or its prefix / short id. */
export async function findSessionRecord(workspace: string, ref: string): Promise<StoredRecord> {
  const { records, unreadable } = await listSessionRecords(workspace)
  const baseOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1, -RECORD_SUFFIX.length)
  const badMatch = unreadable.find((u) => ref !== 'latest' && (baseOf(u.path).startsWith(ref) || baseOf(u.path).split('-')[1] === ref))
  const noRecord = records.length === 0 || (badMatch && !records.some((r) => r.name.startsWith(ref) || r.record.id.startsWith(ref)))
  if (noRecord && (badMatch ?? unreadable[0])) {
    const bad = (badMatch ?? unreadable[0])!
    throw new WrapixError('usage', `cannot read session record ${bad.path}: ${bad.reason}`, 'records from another wrapix version or edited by hand cannot be shown; list the readable ones with: wrapix log ls')
  }
  if (records.length === 0) {
    throw new WrapixError('usage', `no session records in ${logDir(workspace)}`, 'records are written when a wrapix session ends')
  }
  if (ref === 'latest') return records[0]!
  const exact = records.filter((r) => r.name === ref || r.record.id === ref)
  const matches = exact.length > 0 ? exact : records.filter((r) => r.record.id.startsWith(ref) || r.name.startsWith(ref) || r.name.split('-')[1] === ref)
  if (matches.length === 1) return matches[0]!
  if (matches.length === 0) throw new WrapixError('usage', `no session record matches "${ref}"`, 'list them with: wrapix log ls')
  throw new WrapixError(
    'usage',
    `"${ref}" matches ${matches.length} session records: ${matches.slice(0, 3).map((m) => m.name).join(', ')}${matches.length > 3 ? ', …' : ''}`,
    'give more of the id or the full record name',
  )
}
