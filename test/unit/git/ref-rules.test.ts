import { describe, expect, it } from 'vitest'
import { isImportableRef, isValidRefName, parseHead, parsePackedRefs, planRefImport, sideRefOf, validReflogLines } from '../../../src/git/ref-rules.js'

const A = 'a'.repeat(40)
const B = 'b'.repeat(40)
const C = 'c'.repeat(40)

describe('isValidRefName (git check-ref-format rules)', () => {
  it.each(['refs/heads/main', 'refs/heads/feature/x-1', 'refs/tags/v1.2', 'refs/remotes/origin/HEAD', 'refs/stash'])('accepts %s', (name) => {
    expect(isValidRefName(name)).toBe(true)
  })
  it.each([
    'HEAD', 'refs/heads/../../config', 'refs/heads/a..b', 'refs/heads/.hidden', 'refs/heads/x.lock', 'refs/heads/a b', 'refs/heads/a~1',
    'refs/heads/a^', 'refs/heads/a:b', 'refs/heads/a?', 'refs/heads/a*', 'refs/heads/a[', 'refs/heads/a\\b', 'refs/heads/a@{1}',
    'refs/heads//a', 'refs/heads/a/', 'refs/heads/a.', 'refs/heads/\n', 'refs/heads/a\x7f', '@', '',
  ])('refuses %j', (name) => {
    expect(isValidRefName(name)).toBe(false)
  })
  it('imports only heads, tags, remotes, notes and the stash', () => {
    expect(['refs/heads/x', 'refs/tags/x', 'refs/remotes/o/x', 'refs/notes/commits', 'refs/stash'].every(isImportableRef)).toBe(true)
    expect(['refs/wrapix/x', 'refs/replace/' + A, 'refs/bisect/bad', 'refs/stash/x'].some(isImportableRef)).toBe(false)
  })
})

describe('packed-refs and HEAD', () => {
  it('reads refs, skipping the header, peel lines and malformed lines (names are checked when acted on)', () => {
    const text = `# pack-refs with: peeled fully-peeled sorted \n${A} refs/heads/main\n${B} refs/tags/v1\n^${C}\nzz refs/heads/bad\n${A} HEAD\n${A} refs/heads/../x\n`
    expect([...parsePackedRefs(text, 40)]).toEqual([['refs/heads/main', A], ['refs/tags/v1', B], ['refs/heads/../x', A]])
    expect(planRefImport({ seed: new Map(), sandbox: parsePackedRefs(text, 40), host: new Map(), sessionId: 's' }).ignored).toEqual(['refs/heads/../x'])
  })
  it('reads a symbolic HEAD to a branch or a detached commit, and nothing else', () => {
    expect(parseHead('ref: refs/heads/main\n', 40)).toEqual({ kind: 'symbolic', ref: 'refs/heads/main' })
    expect(parseHead(`${A}\n`, 40)).toEqual({ kind: 'detached', oid: A })
    expect(parseHead('ref: refs/tags/v1\n', 40)).toBeNull()
    expect(parseHead('ref: refs/heads/../../x\n', 40)).toBeNull()
    expect(parseHead('ref: /etc/passwd\n', 40)).toBeNull()
    expect(parseHead(`${A}\n`, 64)).toBeNull()
  })
  it('keeps only well-formed reflog lines', () => {
    expect(validReflogLines(`${A} ${B} T <t@x> 1 +0000\tWIP\ngarbage\n${B} ${C} T <t@x> 2 +0000\tWIP 2\n`, 40)).toEqual([
      `${A} ${B} T <t@x> 1 +0000\tWIP`,
      `${B} ${C} T <t@x> 2 +0000\tWIP 2`,
    ])
  })
})

describe('planRefImport', () => {
  const seed = new Map([['refs/heads/main', A], ['refs/heads/gone', A], ['refs/heads/busy', A]])
  it('moves refs from their start value, creates new ones, and never deletes', () => {
    const plan = planRefImport({
      seed,
      sandbox: new Map([['refs/heads/main', B], ['refs/heads/busy', A], ['refs/heads/new', C], ['refs/wrapix/x', C]]),
      host: seed,
      sessionId: 's1',
    })
    expect(plan.updates).toEqual([
      { ref: 'refs/heads/main', newValue: B, oldValue: A },
      { ref: 'refs/heads/new', newValue: C, oldValue: null },
    ])
    expect(plan.deleted).toEqual(['refs/heads/gone'])
    expect(plan.ignored).toEqual(['refs/wrapix/x'])
    expect(plan.conflicts).toEqual([])
  })
  it('keeps the sandbox value of a ref the host moved meanwhile under refs/wrapix/<session>/', () => {
    const plan = planRefImport({ seed, sandbox: new Map([...seed, ['refs/heads/main', B]]), host: new Map([...seed, ['refs/heads/main', C]]), sessionId: 's1' })
    expect(plan.updates).toEqual([])
    expect(plan.conflicts).toEqual([{ ref: 'refs/wrapix/s1/heads/main', newValue: B, oldValue: null, wanted: 'refs/heads/main' }])
    expect(sideRefOf('s1', 'refs/tags/v1')).toBe('refs/wrapix/s1/tags/v1')
  })
})
