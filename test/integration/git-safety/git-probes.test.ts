// wrapix's own git runs (the record's before/after probes and diff) with real git on repositories that
// name programs everywhere git could run one: nothing of it may run on the host.
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { gitAfterAndDiff, probeGit } from '../../../src/session/git-state.js'
import { gitIn } from '../../helpers/session-record.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wrapix-git-probes-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

describe("wrapix's git probes", () => {
  it('run no filter, fsmonitor, hook or textconv of a nested repository (gitlink) or of the repository itself', async () => {
    const ws = join(root, 'ws')
    const marks = join(root, 'marks')
    await mkdir(join(ws, 'sub'), { recursive: true })
    await mkdir(marks)
    const touch = (name: string) => `sh -c 'touch ${marks}/${name}; cat'`
    await gitIn(ws, 'init', '-q', '-b', 'main')
    await gitIn(join(ws, 'sub'), 'init', '-q', '-b', 'main')
    await writeFile(join(ws, 'sub', '.gitattributes'), '* filter=x diff=t\n')
    await writeFile(join(ws, 'sub', 's'), 's\n')
    await gitIn(join(ws, 'sub'), 'add', '.')
    await gitIn(join(ws, 'sub'), 'commit', '-qm', 's')
    await writeFile(join(ws, 'a'), 'a\n')
    await gitIn(ws, 'add', 'a', 'sub')
    await gitIn(ws, 'commit', '-qm', 'init')
    const before = await probeGit(ws)
    // Planted after the commits: the nested repo's filter and textconv, the top repo's fsmonitor, hooks, filter.
    for (const [cwd, key, value] of [
      [join(ws, 'sub'), 'filter.x.clean', touch('nested-filter')],
      [join(ws, 'sub'), 'diff.t.textconv', touch('nested-textconv')],
      [join(ws, 'sub'), 'core.fsmonitor', `touch ${marks}/nested-fsmonitor`],
      [ws, 'core.fsmonitor', `touch ${marks}/fsmonitor`],
      [ws, 'filter.y.clean', touch('filter')],
      [ws, 'diff.external', `touch ${marks}/external-diff`],
    ] as const) {
      await gitIn(cwd, 'config', key, value)
    }
    await writeFile(join(ws, '.gitattributes'), '* filter=y\n')
    await writeFile(join(ws, 'sub', 's'), 'changed\n')
    await writeFile(join(ws, 'a'), 'changed\n')
    await writeFile(join(ws, '.git', 'hooks', 'post-index-change'), `#!/bin/sh\ntouch ${marks}/hook\n`, { mode: 0o755 })

    const { after, diff } = await gitAfterAndDiff(ws, before.available ? before.snapshot.head : null)
    expect(after.available && after.snapshot.dirty).toBe(true)
    expect((await diff).files.map((f) => f.path).sort()).toEqual(['.gitattributes', 'a'])
    expect(await readdir(marks)).toEqual([])
  })
})
