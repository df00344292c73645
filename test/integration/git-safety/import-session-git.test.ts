// The host side of the session git dir with real git and no sandbox: a hostile session git dir (links,
// bad names, forged objects, a ref to a missing object) brings nothing harmful back; a real pack does come back.
import { mkdtempSync, rmSync } from 'node:fs'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { execa } from 'execa'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readGitLayout } from '../../../src/git/git-layout.js'
import { importSessionGit } from '../../../src/git/import-session-git.js'
import { seedSessionGit } from '../../../src/git/seed-session-git.js'
import { gitIn } from '../../helpers/session-record.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wrapix-import-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

async function seeded() {
  const ws = join(root, 'ws')
  await mkdir(ws)
  await gitIn(ws, 'init', '-q', '-b', 'main')
  await writeFile(join(ws, 'a'), 'a\n')
  await gitIn(ws, 'add', 'a')
  await gitIn(ws, 'commit', '-qm', 'init')
  const layout = await readGitLayout(ws)
  if (layout.kind !== 'dir') throw new Error('expected a .git dir')
  const dir = join(root, 'session-git')
  // alternates as the sandbox sees them would not resolve here: point them at the host store directly
  const result = await seedSessionGit({ layout, sessionGitDir: dir, sandboxObjectsPath: join(ws, '.git', 'objects') })
  if (!result.ok) throw new Error(result.reason)
  return { ws, layout, dir, seed: result.seed }
}

const sessionGit = (dir: string, ws: string, ...args: string[]) =>
  execa('git', ['-c', 'user.name=S', '-c', 'user.email=s@x', ...args], { env: { ...process.env, GIT_DIR: dir, GIT_WORK_TREE: ws } })

describe('importSessionGit', () => {
  it('ignores links, bad names, forged objects and refs to missing objects', async () => {
    const { ws, layout, dir, seed } = await seeded()
    const head = (await gitIn(ws, 'rev-parse', 'HEAD')).stdout.trim()
    const secret = join(root, 'secret')
    await writeFile(secret, 'host secret\n')
    const fan = join(dir, 'objects', 'ab')
    await mkdir(fan, { recursive: true })
    await symlink(secret, join(fan, 'c'.repeat(38))) // a link posing as an object
    await writeFile(join(fan, 'd'.repeat(38)), deflateSync(Buffer.from('blob 3\0abc'))) // content does not hash to its name
    await writeFile(join(fan, '..evil'), 'x')
    await mkdir(join(dir, 'refs', 'heads', 'sub'), { recursive: true })
    await writeFile(join(dir, 'refs', 'heads', 'missing'), `${'e'.repeat(40)}\n`)
    await symlink(secret, join(dir, 'refs', 'heads', 'linked'))
    await writeFile(join(dir, 'refs', 'heads', 'sub', 'x.lock'), `${head}\n`)
    await writeFile(join(dir, 'refs', 'wrapix-evil'), `${head}\n`)
    await writeFile(join(dir, 'HEAD'), 'ref: ../../etc/passwd\n')
    await writeFile(join(dir, 'index'), 'not an index')
    const imported = await importSessionGit({ layout, sessionGitDir: dir, seed, sessionId: 's1' })
    expect(imported.objects).toBe(0)
    expect(imported.refsUpdated).toEqual([])
    expect(imported.head).toBe('refused')
    expect(imported.index).toBe('refused')
    expect(imported.notes.join('\n')).toMatch(/refs\/heads\/missing points to a missing object/)
    expect((await gitIn(ws, 'for-each-ref', '--format=%(refname)')).stdout).toBe('refs/heads/main')
    expect(await readFile(join(ws, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n')
    expect((await gitIn(ws, 'fsck', '--no-dangling')).exitCode).toBe(0)
  })

  it('brings back a pack the sandbox made (re-indexed on the host), with the branch and index', async () => {
    const { ws, layout, dir, seed } = await seeded()
    await writeFile(join(ws, 'b'), 'b\n')
    await sessionGit(dir, ws, 'add', 'b')
    await sessionGit(dir, ws, 'commit', '-qm', 'in session')
    await sessionGit(dir, ws, 'repack', '-q', '-d') // the new objects now live in a pack of the session dir only
    const imported = await importSessionGit({ layout, sessionGitDir: dir, seed, sessionId: 's1' })
    expect(imported.packs).toBe(1)
    expect(imported.refsUpdated).toEqual(['refs/heads/main'])
    expect(imported.index).toBe('updated')
    expect((await gitIn(ws, 'log', '--format=%s')).stdout).toBe('in session\ninit')
    expect((await gitIn(ws, 'status', '--porcelain')).stdout).toBe('')
  })
})
