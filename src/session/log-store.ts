// Reading session records back for `wrapix log`: list them newest first, find one by id or name.
import { readdir, readFile } from 'node:fs/promises'
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
      const parsed = SessionRecordSchema.safeParse(JSON.parse(await readFile(path, 'utf8')))
      if (parsed.success) listing.records.push({ name: file.slice(0, -RECORD_SUFFIX.length), path, record: parsed.data })
      else listing.unreadable.push({ path, reason: `not a version ${RECORD_SCHEMA_VERSION} session record` })
    } catch (err) {
      listing.unreadable.push({ path, reason: (err as Error).message })
    }
  }
  // names sort by start time; sessions finalized by recovery keep their start, so this is newest first
  return listing
}

/** `latest`, a session id or its prefix, or a record name or its prefix / short id. */
export async function findSessionRecord(workspace: string, ref: string): Promise<StoredRecord> {
  const { records } = await listSessionRecords(workspace)
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
