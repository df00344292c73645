// The deploy-key path from the host: git push over SSH with a wrapix deploy key to a local sshd that trusts
// only that key, a commit signed with the wrapix signing key that verifies, and another key refused.
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPair, type KeyPair } from '../../../src/keys/key-pair.js'
import { type GitSshd, startGitSshd } from '../../helpers/git-sshd.js'

let dir: string
let sshd: GitSshd
let deploy: KeyPair
let signing: KeyPair

const write = async (name: string, content: string) => {
  await writeFile(join(dir, name), content, { mode: 0o600 })
  return join(dir, name)
}
const sshCommand = (key: string) =>
  `ssh -F /dev/null -i ${key} -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes -o UserKnownHostsFile=${join(dir, 'known_hosts')} -o StrictHostKeyChecking=yes`
const git = (cwd: string, args: string[], env: Record<string, string> = {}) =>
  execa('git', ['-C', cwd, ...args], { reject: false, env: { GIT_CONFIG_NOSYSTEM: '1', HOME: dir, ...env } })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wrapix-git-push-'))
  deploy = generateKeyPair('wrapix-deploy:test')
  signing = generateKeyPair('wrapix-signing:test')
  sshd = await startGitSshd({ authorizedKey: deploy.publicKey })
  await write('known_hosts', `${sshd.knownHostsLine}\n`)
})
afterAll(async () => {
  await sshd?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('git over SSH with a wrapix deploy key', () => {
  it('pushes a signed commit that verifies against allowed_signers', async () => {
    const deployKey = await write('deploy_key', deploy.privateKey)
    const signingKey = await write('signing_key', signing.privateKey)
    const allowed = await write('allowed_signers', `* namespaces="git" ${signing.publicKey}\n`)
    const work = join(dir, 'work')
    execFileSync('git', ['init', '-q', '-b', 'main', work])
    const config = ['-c', 'user.name=Agent', '-c', 'user.email=agent@example.invalid', '-c', 'gpg.format=ssh',
      '-c', `user.signingkey=${signingKey}`, '-c', 'commit.gpgsign=true']
    await writeFile(join(work, 'file.txt'), 'hello\n')
    expect((await git(work, ['add', 'file.txt'])).exitCode).toBe(0)
    const commit = await git(work, [...config, 'commit', '-q', '-m', 'signed by the sandbox'])
    expect(commit.stderr).toBe('')
    const push = await git(work, ['push', sshd.url, 'main'], { GIT_SSH_COMMAND: sshCommand(deployKey) })
    expect(push.exitCode, push.stderr).toBe(0)
    const head = (await git(work, ['rev-parse', 'HEAD'])).stdout.trim()
    expect((await git(sshd.bareRepo, ['rev-parse', 'main'])).stdout.trim()).toBe(head)
    const verify = await git(sshd.bareRepo, ['-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-commit', '-v', head])
    expect(verify.exitCode, verify.stderr).toBe(0)
    expect(verify.stderr).toContain(`Good "git" signature for * with ED25519 key ${signing.fingerprint}`)
    // A different signing key does not verify against the same allowed_signers.
    const otherAllowed = await write('other_allowed', `* namespaces="git" ${generateKeyPair('x').publicKey}\n`)
    expect((await git(sshd.bareRepo, ['-c', `gpg.ssh.allowedSignersFile=${otherAllowed}`, 'verify-commit', head])).exitCode).not.toBe(0)
  })

  it('refuses a key that is not the deploy key', async () => {
    const otherKey = await write('other_key', generateKeyPair('another-repo').privateKey)
    const r = await git(dir, ['ls-remote', sshd.url], { GIT_SSH_COMMAND: sshCommand(otherKey) })
    expect(r.exitCode).not.toBe(0)
    expect(r.stderr).toContain('Permission denied (publickey)')
  })

  it('serves only git: a shell command with the deploy key is refused', async () => {
    const deployKey = join(dir, 'deploy_key')
    const r = await execa('ssh', [...sshCommand(deployKey).split(' ').slice(1), '-p', String(sshd.port), `${sshd.user}@127.0.0.1`, 'id'], { reject: false, stdin: 'ignore' })
    expect(r.exitCode).not.toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('only git fetch and push here')
  })
})
