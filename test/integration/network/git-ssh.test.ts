// git over SSH in limit mode: ssh's ProxyCommand does CONNECT through the forwarder, the proxy decides.
// The git server is a throw-away sshd on 127.0.0.2 with a key made for this test. The sandbox runs as root and
// as a normal user (rootless podman), whose copy of the key and session socket are its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chmod, chown, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import type { ResultPromise } from 'execa'
import { effectivePolicy } from '../../../src/network/effective-policy.js'
import { startSessionNetwork } from '../../../src/network/session-network.js'
import { sshProxyFiles } from '../../../src/network/ssh-proxy-command.js'
import { giveSocketTo, runScript, uniqueId } from '../../helpers/network-targets.js'
import { RUN_AS, runAsLabel } from '../../helpers/test-user.js'

let dir: string
let sshd: ResultPromise | null = null
const port = 30000 + (process.pid % 20000)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wrapix-gitssh-'))
  await chmod(dir, 0o711) // a normal user's podman passes through to the files it mounts (its key, the ssh files)
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')])
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')])
  await execa('cp', [join(dir, 'id.pub'), join(dir, 'authorized_keys')])
  const git = ['-c', 'user.name=t', '-c', 'user.email=t@example.test']
  await execa('git', ['init', '-q', join(dir, 'src')])
  await execa('git', [...git, '-C', join(dir, 'src'), 'commit', '-q', '--allow-empty', '-m', 'first'])
  await execa('git', ['clone', '-q', '--bare', join(dir, 'src'), join(dir, 'repo.git')])
  await writeFile(join(dir, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.2', `HostKey ${join(dir, 'host_key')}`, `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PidFile none', 'StrictModes no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no',
    'PermitRootLogin prohibit-password', 'AllowUsers root', '',
  ].join('\n'))
  await mkdir('/run/sshd', { recursive: true })
  sshd = execa('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { reject: false })
  for (let i = 0; i < 100; i++) {
    if ((await execa('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.2/${port}`], { reject: false })).exitCode === 0) break
    await new Promise((r) => setTimeout(r, 50))
  }
  // The sandbox's ssh files, as the planner installs them.
  for (const f of sshProxyFiles().files) {
    await mkdir(join(dir, 'files', f.dest, '..'), { recursive: true })
    await writeFile(join(dir, 'files', f.dest), f.content, { mode: f.mode })
  }
})
afterAll(async () => {
  sshd?.kill()
  await sshd
  await rm(dir, { recursive: true, force: true })
})

const CASES = RUN_AS.flatMap((user) => (['container', 'gvisor'] as const).map((boundary) => ({ user, boundary, who: runAsLabel(user) })))

describe.each(CASES)('git over SSH under $boundary, $who', ({ user, boundary }) => {
  it('reaches an allowlisted git host through the proxy and not a name nobody listed', async () => {
    const sessionId = uniqueId()
    const { policy } = effectivePolicy({ profileName: 'base', profile: null, user: null, project: null, allow: [`git.test:${port}`, '127.0.0.2'], deny: [], mode: 'limit' })
    await mkdir(join(dir, 'run'), { recursive: true, mode: 0o711 })
    const socketDir = join(dir, 'run', sessionId)
    const net = { socketDir, ...await startSessionNetwork({
      sessionId, policy, auditPath: join(dir, `${sessionId}.jsonl`), resolve: { 'git.test': '127.0.0.2', 'other.test': '127.0.0.2' }, socketDir,
    }) }
    await giveSocketTo(net, user)
    // The key is 0600 and the sandbox has no capabilities: each user mounts a copy it owns.
    const key = join(dir, `id-${sessionId}`)
    await copyFile(join(dir, 'id'), key)
    if (user) await chown(key, user.uid, user.gid)
    const { env, files } = sshProxyFiles()
    const ssh = `${env.GIT_SSH_COMMAND} -i /keys/id -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes`
    const mounts = [...files.flatMap((f) => ['-v', `${join(dir, 'files', f.dest)}:${f.dest}:ro`]), '-v', `${key}:/keys/id:ro`, '--env', `GIT_SSH_COMMAND=${ssh}`]
    let out: Record<string, string>
    try {
      out = await runScript(net, boundary, [
        `echo "allowed=$(git ls-remote ssh://root@git.test:${port}${dir}/repo.git 2>/dev/null | grep -c HEAD)"`,
        `git ls-remote ssh://root@other.test:${port}${dir}/repo.git >/dev/null 2>/tmp/err; echo "unlisted=$?"`,
        'echo "why=$(grep -o "not in the allowlist" /tmp/err | head -1)"',
      ].join('\n'), mounts, user)
    } finally {
      await net.close()
      await rm(key, { force: true })
    }
    expect(out).toEqual({ allowed: '1', unlisted: '128', why: 'not in the allowlist' })
  })
})
