// setup-deploy-key, rotate and rm against a local mock of GitHub's REST API, in a temp HOME and checkout.
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type KeysContext, removeDeployKey, rotateDeployKey, setupDeployKey } from '../../../src/keys/deploy-keys.js'
import { keyPaths, readKeyRecord } from '../../../src/keys/key-store.js'
import { findSessionKeys } from '../../../src/keys/session-keys.js'
import { closedLoopbackPort, type MockGithub, startMockGithub } from '../../helpers/mock-github.js'

let gh: MockGithub
let dir: string
let home: string
let repo: string

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8' }).trim()
const ctx = (over: Partial<KeysContext> = {}): KeysContext => ({
  home,
  cwd: repo,
  hostname: 'ada-laptop.example',
  env: { GH_TOKEN: gh.token, PATH: '/nonexistent' },
  now: new Date('2025-06-01T00:00:00Z'),
  githubApi: gh.url,
  ...over,
})
const setup = { force: false, readOnly: false, signing: true }
const localFiles = () => readdir(join(home, '.ssh', 'deploy_keys')).catch(() => [] as string[])
const modeOf = async (p: string) => (await stat(p)).mode & 0o777

beforeEach(async () => {
  gh = await startMockGithub({ repos: ['ada/my.repo', 'ada/secret-infra'] })
  dir = await mkdtemp(join(tmpdir(), 'wrapix-keys-'))
  home = join(dir, 'home')
  repo = join(dir, 'checkout')
  execFileSync('git', ['init', '-q', repo])
  git(repo, 'remote', 'add', 'origin', 'git@github.com:ada/my.repo.git')
})
afterEach(async () => {
  await gh.close()
  await rm(dir, { recursive: true, force: true })
})

describe('setup-deploy-key', () => {
  it('creates, registers and stores a deploy key and a signing key with private modes', async () => {
    const { record } = await setupDeployKey(ctx(), setup)
    expect(record.name).toBe('my.repo-ada-laptop')
    expect(record.repository).toBe('ada/my.repo')
    const paths = keyPaths(home, record.name)
    expect(await modeOf(join(home, '.ssh', 'deploy_keys'))).toBe(0o700)
    expect(await modeOf(paths.privateKey)).toBe(0o600)
    expect(await modeOf(paths.signingPrivateKey)).toBe(0o600)
    expect(await modeOf(paths.publicKey)).toBe(0o644)
    expect(await modeOf(paths.signingPublicKey)).toBe(0o644)
    expect(await readFile(paths.privateKey, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/)
    const pub = await readFile(paths.publicKey, 'utf8')
    expect(pub).toMatch(/^ssh-ed25519 \S+ wrapix-deploy:my.repo-ada-laptop\n$/)
    // OpenSSH accepts both and agrees on the fingerprint we stored.
    expect(execFileSync('ssh-keygen', ['-l', '-f', paths.privateKey], { encoding: 'utf8' })).toContain(record.deploy.fingerprint)
    expect(execFileSync('ssh-keygen', ['-l', '-f', paths.signingPublicKey], { encoding: 'utf8' })).toContain(record.signing!.fingerprint)
    // Registered: deploy key with write access on the repo, signing key on the account.
    const [deploy] = gh.repos.get('ada/my.repo')!
    expect(deploy).toMatchObject({ id: record.deploy.remoteId, read_only: false, key: record.deploy.publicKey })
    expect(gh.signingKeys.map((k) => k.id)).toEqual([record.signing!.remoteId])
    expect(await readKeyRecord(home, record.name)).toEqual(record)
  })

  it('works from a git worktree and honours --read-only, --no-signing and a NAME', async () => {
    git(repo, '-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '-q', '--allow-empty', '-m', 'init')
    const worktree = join(dir, 'wt')
    git(repo, 'worktree', 'add', '-q', worktree)
    const { record } = await setupDeployKey(ctx({ cwd: worktree }), { ...setup, name: 'ci', readOnly: true, signing: false })
    expect(record).toMatchObject({ name: 'ci', repository: 'ada/my.repo', readOnly: true, signing: null })
    expect(gh.repos.get('ada/my.repo')![0]!.read_only).toBe(true)
    expect(gh.signingKeys).toEqual([])
    expect((await readdir(join(home, '.ssh', 'deploy_keys'))).sort()).toEqual(['ci', 'ci.json', 'ci.pub'])
  })

  it('refuses to overwrite without -f, and with -f replaces the key locally and on GitHub', async () => {
    const first = (await setupDeployKey(ctx(), setup)).record
    await expect(setupDeployKey(ctx(), setup)).rejects.toMatchObject({ kind: 'usage', hint: expect.stringContaining('-f') })
    const second = (await setupDeployKey(ctx(), { ...setup, force: true })).record
    expect(second.deploy.fingerprint).not.toBe(first.deploy.fingerprint)
    expect(gh.repos.get('ada/my.repo')!.map((k) => k.id)).toEqual([second.deploy.remoteId])
    expect(gh.signingKeys.map((k) => k.id)).toEqual([second.signing!.remoteId])
    expect(await readFile(keyPaths(home, second.name).publicKey, 'utf8')).toBe(`${second.deploy.publicKey}\n`)
  })

  it('leaves nothing behind when the signing key registration fails for a missing scope', async () => {
    gh.scopes = ['repo']
    await expect(setupDeployKey(ctx(), setup)).rejects.toMatchObject({
      kind: 'host',
      message: expect.stringContaining('lacks the admin:ssh_signing_key scope (has: repo)'),
      hint: expect.stringContaining('gh auth refresh -h 127.0.0.1 -s admin:ssh_signing_key'),
    })
    expect(gh.repos.get('ada/my.repo')).toEqual([]) // the deploy key was registered, then rolled back
    expect(await localFiles()).toEqual([])
  })

  it('reports a key already in use (422) and a repository GitHub does not know (404)', async () => {
    gh.failNext('POST', '/repos/', 422, { message: 'Validation Failed', errors: [{ message: 'key is already in use' }] })
    await expect(setupDeployKey(ctx(), setup)).rejects.toMatchObject({ message: expect.stringContaining('key is already in use') })
    git(repo, 'remote', 'set-url', 'origin', 'https://github.com/ada/elsewhere.git')
    const change = setupDeployKey(ctx(), setup)
    await expect(change).rejects.toMatchObject({ kind: 'usage', message: expect.stringContaining('ada/elsewhere was not found') })
    expect(await localFiles()).toEqual([])
  })

  it('says there is no token, and reports an unreachable API', async () => {
    await expect(setupDeployKey(ctx({ env: { PATH: '/nonexistent' } }), setup)).rejects.toMatchObject({
      kind: 'host',
      message: expect.stringContaining('no GitHub token'),
    })
    const port = await closedLoopbackPort()
    await expect(setupDeployKey(ctx({ githubApi: `http://127.0.0.1:${port}` }), setup)).rejects.toMatchObject({
      kind: 'host',
      message: expect.stringMatching(/cannot reach the GitHub API at http:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/),
    })
  })

  it('rejects a bad token (401)', async () => {
    await expect(setupDeployKey(ctx({ env: { GH_TOKEN: 'wrong' } }), setup)).rejects.toMatchObject({
      message: 'GitHub rejected the token from GH_TOKEN (401: Bad credentials)',
    })
  })
})

describe('wrapix keys rotate / rm', () => {
  it('rotate registers the new key before removing the old one', async () => {
    const old = (await setupDeployKey(ctx(), setup)).record
    gh.requests.length = 0
    const { record } = await rotateDeployKey(ctx(), old.name)
    const order = gh.requests.map((r) => `${r.method} ${r.path.replace(/\d+$/, 'ID')}`)
    expect(order).toEqual([
      'POST /repos/ada/my.repo/keys',
      'POST /user/ssh_signing_keys',
      'DELETE /repos/ada/my.repo/keys/ID',
      'DELETE /user/ssh_signing_keys/ID',
    ])
    expect(gh.repos.get('ada/my.repo')!.map((k) => k.key)).toEqual([record.deploy.publicKey])
    expect(await readFile(keyPaths(home, old.name).publicKey, 'utf8')).toBe(`${record.deploy.publicKey}\n`)
  })

  it('rotate keeps the old key when registering the new one fails', async () => {
    const old = (await setupDeployKey(ctx(), setup)).record
    gh.failNext('POST', '/user/ssh_signing_keys', 500)
    await expect(rotateDeployKey(ctx(), old.name)).rejects.toMatchObject({ kind: 'internal' })
    expect(await readKeyRecord(home, old.name)).toEqual(old)
    expect(gh.repos.get('ada/my.repo')!.map((k) => k.id)).toEqual([old.deploy.remoteId])
  })

  it('rm removes the key from GitHub, then the files; a key already gone remotely still goes', async () => {
    const { record } = await setupDeployKey(ctx(), setup)
    gh.repos.get('ada/my.repo')!.length = 0 // someone deleted it in GitHub's UI
    await removeDeployKey(ctx(), record.name)
    expect(gh.signingKeys).toEqual([])
    expect(await localFiles()).toEqual([])
    await expect(removeDeployKey(ctx(), record.name)).rejects.toMatchObject({ kind: 'usage' })
  })

  it('rm keeps the local key when GitHub refuses the removal', async () => {
    const { record } = await setupDeployKey(ctx(), setup)
    gh.failNext('DELETE', '/repos/', 403, { message: 'Must have admin rights to Repository.' })
    await expect(removeDeployKey(ctx(), record.name)).rejects.toMatchObject({ message: expect.stringContaining('admin rights') })
    expect(await readKeyRecord(home, record.name)).toEqual(record)
  })
})

describe('findSessionKeys', () => {
  it('finds this repository’s key, says once when there is none, and ignores non-SSH origins', async () => {
    const missing = await findSessionKeys(repo, home)
    expect(missing).toMatchObject({ missing: true, notice: expect.stringContaining('setup-deploy-key') })
    const { record } = await setupDeployKey(ctx(), setup)
    await setupDeployKey(ctx(), { ...setup, name: 'other', repository: 'ada/my.repo' })
    await writeFile(join(dir, 'unrelated'), '')
    const found = await findSessionKeys(repo, home, { hostname: 'ada-laptop' })
    expect(found).toMatchObject({
      name: record.name,
      deployKey: keyPaths(home, record.name).privateKey,
      signingPublicKeyLine: record.signing!.publicKey,
    })
    git(repo, 'remote', 'set-url', 'origin', 'https://github.com/ada/my.repo.git')
    expect(await findSessionKeys(repo, home)).toBeNull()
  })
})

describe('findSessionKeys: the key is pinned to the checkout it was set up in', () => {
  it("never hands out another repository's key, whatever the workspace's git files say", async () => {
    const infra = join(dir, 'infra')
    execFileSync('git', ['init', '-q', infra])
    git(infra, 'remote', 'add', 'origin', 'git@github.com:ada/secret-infra.git')
    const mine = (await setupDeployKey(ctx(), setup)).record
    const theirs = (await setupDeployKey(ctx({ cwd: infra }), { ...setup, name: 'infra' })).record
    expect(mine.checkouts).toEqual([await realpath(join(repo, '.git'))])
    expect(theirs.checkouts).toEqual([await realpath(join(infra, '.git'))])

    // (a) a commondir redirect to a git dir whose config names the other repository
    await mkdir(join(repo, '.git-evil'))
    await writeFile(join(repo, '.git-evil', 'config'), '[remote "origin"]\n\turl = git@github.com:ada/secret-infra.git\n')
    await writeFile(join(repo, '.git', 'commondir'), '../.git-evil\n')
    expect(await findSessionKeys(repo, home)).toBeNull()
    await rm(join(repo, '.git', 'commondir'))

    // (b) an include naming the other repository as origin: not followed
    await writeFile(join(repo, '.git', 'config'), `${await readFile(join(repo, '.git', 'config'), 'utf8')}[include]\n\tpath = ../.git-evil/config\n`)
    expect(await findSessionKeys(repo, home)).toMatchObject({ name: mine.name, repository: 'ada/my.repo' })

    // (c) origin itself rewritten: still this checkout's own key, with a warning
    git(repo, 'remote', 'set-url', 'origin', 'git@github.com:ada/secret-infra.git')
    const rewritten = await findSessionKeys(repo, home)
    expect(rewritten).toMatchObject({ name: mine.name, repository: 'ada/my.repo' })
    expect(rewritten && 'warnings' in rewritten ? rewritten.warnings.join('\n') : '').toContain('is for ada/my.repo')

    // a checkout without a pinned key gets none, even when a key for its origin exists elsewhere
    const clone = join(dir, 'clone')
    execFileSync('git', ['init', '-q', clone])
    git(clone, 'remote', 'add', 'origin', 'git@github.com:ada/secret-infra.git')
    expect(await findSessionKeys(clone, home)).toMatchObject({ missing: true, notice: expect.stringContaining('not pinned to this checkout') })
  })
})
