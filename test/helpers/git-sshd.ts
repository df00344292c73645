// A throw-away OpenSSH server on 127.0.0.1 that serves one bare git repository to one key only, for
// testing git push with a deploy key. Everything lives in a temp dir; stop() kills sshd and removes it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { closedLoopbackPort } from './mock-github.js'

export interface GitSshd {
  readonly host: '127.0.0.1'
  readonly port: number
  readonly user: string
  readonly bareRepo: string // every push/fetch lands here, whatever path the client names
  readonly url: string // ssh://USER@127.0.0.1:PORT/repo.git
  readonly knownHostsLine: string // pins this server's host key
  stop(): Promise<void>
}

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })

async function waitListening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${log()}`)
    if (await canConnect(port)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port}: ${log()}`)
}

/** `authorizedKey`: the only public key line allowed in, forced to git on the one bare repository. */
export async function startGitSshd(opts: { authorizedKey: string }): Promise<GitSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'wrapix-git-sshd-'))
  const bareRepo = join(dir, 'repo.git')
  execFileSync('git', ['init', '-q', '--bare', bareRepo])
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'git-sshd-host', '-f', join(dir, 'host_key')])
  const serve = join(dir, 'serve.sh')
  await writeFile(serve, [
    '#!/bin/sh',
    '# Serves the one bare repository, whatever path the client asked for; nothing else.',
    'case "$SSH_ORIGINAL_COMMAND" in',
    `  "git-receive-pack "*) exec git-receive-pack '${bareRepo}' ;;`,
    `  "git-upload-pack "*) exec git-upload-pack '${bareRepo}' ;;`,
    '  *) echo "git-sshd: only git fetch and push here" >&2; exit 1 ;;',
    'esac',
    '',
  ].join('\n'))
  await chmod(serve, 0o755)
  await writeFile(join(dir, 'authorized_keys'), `command="${serve}",restrict ${opts.authorizedKey.trim()}\n`, { mode: 0o600 })
  const user = userInfo().username
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 }) // sshd's compiled-in privilege separation dir

  for (let attempt = 0; ; attempt++) {
    const port = await closedLoopbackPort()
    const config = join(dir, 'sshd_config')
    await writeFile(config, [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'AuthenticationMethods publickey',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin forced-commands-only',
      `AllowUsers ${user}`,
      'StrictModes no',
      'UsePAM no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'))
    let log = ''
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] })
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()))
    try {
      await waitListening(port, child, () => log)
    } catch (err) {
      child.kill('SIGKILL')
      if (attempt < 2) continue // the port was taken between choosing and binding
      await rm(dir, { recursive: true, force: true })
      throw err
    }
    const hostKey = (await readFile(join(dir, 'host_key.pub'), 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ')
    return {
      host: '127.0.0.1',
      port,
      user,
      bareRepo,
      url: `ssh://${user}@127.0.0.1:${port}/repo.git`,
      knownHostsLine: `[127.0.0.1]:${port} ${hostKey}`,
      async stop() {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r))
          child.kill('SIGTERM')
          await exited
        }
        await rm(dir, { recursive: true, force: true })
      },
    }
  }
}
