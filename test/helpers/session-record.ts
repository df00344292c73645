// Test helpers for session records: git in a scratch repo, reading a record file through the schema, and
// checking the record's git part.
import { readFileSync } from 'node:fs'
import { execa } from 'execa'
import { expect } from 'vitest'
import type { DiffFile } from '../../src/session/git-state.js'
import { SessionRecordSchema, type GitRecord, type SessionRecord } from '../../src/session/record-schema.js'

/** git in `cwd` with a fixed identity, so commits work without a user config. */
export const gitIn = (cwd: string, ...args: string[]) =>
  execa('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args], { cwd })

/** A record file, which must be a valid record. */
export const readRecordFile = (path: string): SessionRecord => SessionRecordSchema.parse(JSON.parse(readFileSync(path, 'utf8')))

/** The record's git part, which must be available. */
export function availableGit(record: SessionRecord): Extract<GitRecord, { available: true }> {
  if (!record.git.available) throw new Error(`git should be available: ${record.git.reason}`)
  return record.git
}

/** The diff stat lists exactly `files` (in any order), and its totals add them up. */
export function expectDiffStat(git: Extract<GitRecord, { available: true }>, files: DiffFile[]): void {
  expect(git.diff).toEqual({
    filesChanged: files.length,
    insertions: files.reduce((n, f) => n + (f.insertions ?? 0), 0),
    deletions: files.reduce((n, f) => n + (f.deletions ?? 0), 0),
    files: expect.arrayContaining(files),
  })
}
