// The host-side forwarder: listens on 127.0.0.1:PORT inside the session's namespace, relays to the proxy socket.
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { execa } from 'execa'
import type { ResultPromise } from 'execa'
import { WrapixError } from '../errors.js'
import { inNetns } from './netns.js'
import { MAX_CONNECTIONS_PER_SESSION } from './proxy.js'

export interface Forwarder {
  readonly pid: number
  /** Settles with a message when the forwarder exits before stop(). */
  readonly exited: Promise<string>
  stop(): Promise<void>
}

/**
 * socat argv: one forked relay per connection, at most `maxChildren` at once (further connections wait in
 * the backlog), so a sandbox cannot fork host processes without bound; the listener dies with wrapix (pdeathsig).
 */
export function forwarderArgv(netns: string, socketPath: string, port: number, maxChildren = MAX_CONNECTIONS_PER_SESSION): string[] {
  if (socketPath.includes(',') || socketPath.includes(':')) {
    throw new WrapixError('host', `the proxy socket path "${socketPath}" contains "," or ":", which socat cannot read`, 'set XDG_RUNTIME_DIR to a plain path')
  }
  return [
    // -b: socat's default 8 KiB transfer block halves bulk throughput; 128 KiB matches the kernel's socket buffers.
    'ip', ...inNetns(netns, ['setpriv', '--pdeathsig', 'KILL', 'socat', '-b', '131072',
      `TCP-LISTEN:${port},bind=127.0.0.1,fork,max-children=${maxChildren},reuseaddr,nodelay,backlog=256`, `UNIX-CONNECT:${socketPath}`]),
  ]
}

// /proc/PID/net/tcp lists the sockets of PID's namespace: 0100007F:0C38 state 0A is 127.0.0.1:3128 LISTEN.
async function listening(pid: number, port: number): Promise<boolean> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`
  const text = await readFile(`/proc/${pid}/net/tcp`, 'utf8').catch(() => '')
  return text.split('\n').some((line) => {
    const cols = line.trim().split(/\s+/)
    return cols[1] === local && cols[3] === '0A'
  })
}

export async function startForwarder(netns: string, socketPath: string, port: number, readyTimeoutMs = 5000, maxChildren = MAX_CONNECTIONS_PER_SESSION): Promise<Forwarder> {
  const [cmd = 'ip', ...args] = forwarderArgv(netns, socketPath, port, maxChildren)
  const child: ResultPromise = execa(cmd, args, { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', buffer: { stderr: true } })
  let stopping = false
  const exited = child.then((r) => {
    if (stopping) return 'stopped'
    const why = String(r.stderr ?? '').trim().split('\n').pop() ?? ''
    return `the network forwarder exited (${r.signal ?? `code ${r.exitCode}`})${why ? `: ${why}` : ''}`
  })
  const pid = child.pid
  const stop = async (): Promise<void> => {
    stopping = true
    child.kill('SIGTERM')
    await child
  }
  if (pid === undefined) throw new WrapixError('host', 'could not start socat for the network forwarder', 'install socat (apt install socat)')
  const deadline = Date.now() + readyTimeoutMs
  let early: string | null = null
  void exited.then((m) => (early = m))
  while (!(await listening(pid, port))) {
    if (early !== null) throw new WrapixError('host', `the network forwarder did not start: ${early}`, 'check that socat and setpriv are installed')
    if (Date.now() > deadline) {
      await stop()
      throw new WrapixError('host', `the network forwarder did not listen on 127.0.0.1:${port} within ${readyTimeoutMs} ms`, 'check that socat is installed')
    }
    await sleep(10)
  }
  return { pid, exited, stop }
}
