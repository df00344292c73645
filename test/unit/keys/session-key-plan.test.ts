import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { GITHUB_HOST_KEYS } from '../../../src/keys/github-host-keys.js'
import { gitSignEnabled, type SessionKeys, sessionKeyPlanParts } from '../../../src/keys/session-key-plan.js'

const keys: SessionKeys = {
  name: 'wrapix-laptop',
  repository: 'ada/wrapix',
  deployKey: '/home/ada/.ssh/deploy_keys/wrapix-laptop',
  deployPublicKey: '/home/ada/.ssh/deploy_keys/wrapix-laptop.pub',
  signingKey: '/home/ada/.ssh/deploy_keys/wrapix-laptop-signing',
  signingPublicKey: '/home/ada/.ssh/deploy_keys/wrapix-laptop-signing.pub',
  signingPublicKeyLine: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake wrapix-signing:wrapix-laptop',
  warnings: [],
}
const gitConfigOf = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: Number(env.GIT_CONFIG_COUNT) }, (_, i) => [env[`GIT_CONFIG_KEY_${i}`], env[`GIT_CONFIG_VALUE_${i}`]]),
  )
const file = (parts: ReturnType<typeof sessionKeyPlanParts>, dest: string) => parts.files.find((f) => f.dest === dest)?.content

describe('sessionKeyPlanParts', () => {
  it('mounts exactly this repository’s keys read-only under /etc/wrapix/keys', () => {
    const parts = sessionKeyPlanParts(keys, { gitSign: true })
    expect(parts.mounts).toEqual([
      { source: keys.deployKey, dest: '/etc/wrapix/keys/deploy_key', readOnly: true, kind: 'bind' },
      { source: keys.deployPublicKey, dest: '/etc/wrapix/keys/deploy_key.pub', readOnly: true, kind: 'bind' },
      { source: keys.signingKey, dest: '/etc/wrapix/keys/signing_key', readOnly: true, kind: 'bind' },
      { source: keys.signingPublicKey, dest: '/etc/wrapix/keys/signing_key.pub', readOnly: true, kind: 'bind' },
    ])
  })

  it('configures ssh with only the deploy key and pinned GitHub host keys', () => {
    const parts = sessionKeyPlanParts(keys, { gitSign: true })
    expect(parts.env.GIT_SSH_COMMAND).toBe('ssh -F /etc/wrapix/ssh/config')
    const lines = file(parts, '/etc/wrapix/ssh/config')!.split('\n').map((l) => l.trim())
    expect(lines).toContain('Host github.com ssh.github.com')
    expect(lines).toContain('IdentityFile /etc/wrapix/keys/deploy_key')
    expect(lines).toContain('IdentitiesOnly yes')
    expect(lines).toContain('StrictHostKeyChecking yes')
    expect(lines).toContain('UserKnownHostsFile /etc/wrapix/ssh/known_hosts')
    expect(lines.some((l) => l.startsWith('ProxyCommand'))).toBe(false)
    const known = file(parts, '/etc/wrapix/ssh/known_hosts')!.trim().split('\n')
    expect(known).toHaveLength(9)
    expect(known).toContain(`[ssh.github.com]:443 ${GITHUB_HOST_KEYS[0]}`)
  })

  it('composes a ProxyCommand for limit mode', () => {
    const parts = sessionKeyPlanParts(keys, { gitSign: true, proxyCommand: 'socat - PROXY:127.0.0.1:%h:%p,proxyport=3128' })
    expect(file(parts, '/etc/wrapix/ssh/config')).toContain('\n  ProxyCommand socat - PROXY:127.0.0.1:%h:%p,proxyport=3128\n')
    expect(() => sessionKeyPlanParts(keys, { gitSign: true, proxyCommand: 'a\nHost *' })).toThrow()
  })

  it('turns on ssh commit signing with an allowed_signers file', () => {
    const parts = sessionKeyPlanParts(keys, { gitSign: true })
    expect(gitConfigOf(parts.env)).toEqual({
      'gpg.format': 'ssh',
      'user.signingkey': '/etc/wrapix/keys/signing_key',
      'gpg.ssh.allowedSignersFile': '/etc/wrapix/ssh/allowed_signers',
      'commit.gpgsign': 'true',
      'tag.gpgsign': 'true',
    })
    expect(file(parts, '/etc/wrapix/ssh/allowed_signers')).toBe(`* namespaces="git" ${keys.signingPublicKeyLine}\n`)
  })

  it('with signing off, mounts no signing key and turns signing off in git', () => {
    const parts = sessionKeyPlanParts(keys, { gitSign: false })
    expect(parts.mounts.map((m) => m.dest)).toEqual(['/etc/wrapix/keys/deploy_key', '/etc/wrapix/keys/deploy_key.pub'])
    expect(gitConfigOf(parts.env)).toEqual({ 'commit.gpgsign': 'false', 'tag.gpgsign': 'false' })
    expect(file(parts, '/etc/wrapix/ssh/allowed_signers')).toBeUndefined()
  })

  it('reads WRAPIX_GIT_SIGN', () => {
    expect(gitSignEnabled({})).toBe(true)
    expect(gitSignEnabled({ WRAPIX_GIT_SIGN: '0' })).toBe(false)
    expect(gitSignEnabled({ WRAPIX_GIT_SIGN: 'off' })).toBe(false)
    expect(gitSignEnabled({ WRAPIX_GIT_SIGN: '1' })).toBe(true)
  })
})

describe('GitHub host keys', () => {
  it('match the fingerprints GitHub publishes', () => {
    const fp = (line: string) =>
      createHash('sha256').update(Buffer.from(line.split(' ')[1]!, 'base64')).digest('base64').replace(/=+$/, '')
    expect(GITHUB_HOST_KEYS.map(fp)).toEqual([
      '+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU',
      'p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM',
      'uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
    ])
  })
})
