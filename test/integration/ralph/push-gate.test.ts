// `--push` after a clean review never sends CI or automation files the agent wrote: real repositories and
// a bare remote in a temp tree. The push is refused (policy) naming the paths; other work is pushed.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pushBranch } from '../../../src/ralph/push.js'

let root: string
let ws: string
let remote: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wrapix-push-gate-'))
  ws = join(root, 'project')
  remote = join(root, 'remote.git')
  mkdirSync(ws)
  git(root, 'init', '-q', '--bare', remote)
  git(ws, 'init', '-q', '-b', 'main')
  commitFiles({ 'README.md': 'demo\n', '.wrapix/ralph/config.yaml': 'maxRetries: 0\n' }, 'init')
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe' }).toString().trim()

function commitFiles(files: Record<string, string>, message: string): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, path)), { recursive: true })
    writeFileSync(join(ws, path), text)
  }
  git(ws, 'add', '-A')
  git(ws, 'commit', '-qm', message)
  return git(ws, 'rev-parse', 'HEAD')
}
const remoteMain = () => { try { return git(remote, 'rev-parse', 'main') } catch { return null } }
const track = () => {
  git(ws, 'remote', 'add', 'origin', remote)
  git(ws, 'push', '-q', '-u', 'origin', 'main')
}

describe('pushBranch', () => {
  it('refuses a push that carries a CI workflow, naming it, and pushes nothing', async () => {
    track()
    const before = remoteMain()
    commitFiles({ 'hello.txt': 'hello\n', '.github/workflows/ci.yml': 'on: push\n', '.wrapix/ralph/demo/001-hello.md': '---\n---\n' }, 'work')
    commitFiles({ 'hello.txt': 'hello\nhello\n' }, 'more work') // the CI file is in an earlier commit than HEAD

    await expect(pushBranch(ws)).rejects.toMatchObject({ kind: 'policy', exitCode: 5, message: expect.stringContaining('.github/workflows/ci.yml') })
    expect(remoteMain()).toBe(before)
  })

  it('pushes work without CI or automation files', async () => {
    track()
    const head = commitFiles({ 'hello.txt': 'hello\n', '.wrapix/ralph/demo/001-hello.md': '---\n---\n' }, 'work')
    await expect(pushBranch(ws)).resolves.toEqual({ branch: 'main' })
    expect(remoteMain()).toBe(head)
  })

  it("with no remote branch known, checks the work since the spec's base commit", async () => {
    const base = git(ws, 'rev-parse', 'HEAD')
    commitFiles({ 'Jenkinsfile': 'pipeline {}\n' }, 'work')
    git(ws, 'remote', 'add', 'origin', remote)
    git(ws, 'config', 'push.default', 'current') // a push that needs no upstream
    await expect(pushBranch(ws, [base])).rejects.toMatchObject({ kind: 'policy', message: expect.stringContaining('Jenkinsfile') })
    expect(remoteMain()).toBe(null)
  })
})
