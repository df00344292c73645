import { describe, expect, it } from 'vitest'
import { parseNumstat, parseStatusV2 } from '../../../src/session/git-state.js'

// `git status --porcelain=v2 --branch -z` output, as git prints it: NUL-separated records, headers first.
const status = (...records: string[]) => `${records.join('\0')}\0`
const OID = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

describe('parseStatusV2', () => {
  it('reads HEAD and branch of a clean checkout', () => {
    expect(parseStatusV2(status(`# branch.oid ${OID}`, '# branch.head main'))).toEqual({ head: OID, branch: 'main', dirty: false })
  })

  it('marks the tree dirty when any change or untracked file follows the headers', () => {
    const changed = status(`# branch.oid ${OID}`, '# branch.head main', `1 .M N... 100644 100644 100644 ${OID} ${OID} src/a.ts`)
    expect(parseStatusV2(changed).dirty).toBe(true)
    expect(parseStatusV2(status(`# branch.oid ${OID}`, '# branch.head main', '? new file.txt')).dirty).toBe(true)
  })

  it('has no HEAD before the first commit and no branch when detached', () => {
    expect(parseStatusV2(status('# branch.oid (initial)', '# branch.head main'))).toEqual({ head: null, branch: 'main', dirty: false })
    expect(parseStatusV2(status(`# branch.oid ${OID}`, '# branch.head (detached)'))).toEqual({ head: OID, branch: null, dirty: false })
  })
})

describe('parseNumstat', () => {
  it('reads text and binary files, and paths with tabs, spaces and newlines', () => {
    const out = '3\t1\tsrc/a.ts\x002\t0\tmy file.txt\x00-\t-\timg.png\x001\t0\tweird\tname\nx\x00'
    expect(parseNumstat(out)).toEqual({
      filesChanged: 4,
      insertions: 6,
      deletions: 1,
      files: [
        { path: 'src/a.ts', insertions: 3, deletions: 1 },
        { path: 'my file.txt', insertions: 2, deletions: 0 },
        { path: 'img.png', insertions: null, deletions: null },
        { path: 'weird\tname\nx', insertions: 1, deletions: 0 },
      ],
    })
  })

  it('gives zeros for no output', () => {
    expect(parseNumstat('')).toEqual({ filesChanged: 0, insertions: 0, deletions: 0, files: [] })
  })
})
