import { describe, expect, it } from 'vitest'
import { parseStatusV2 } from '../../../src/session/git-state.js'

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
