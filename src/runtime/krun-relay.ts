// krun's proxy relay, beside the microVM instead of inside it. In the guest a mounted unix socket is only a file
// on virtio-fs: libkrun's socket impersonation (TSI) takes over AF_INET sockets only (containers/libkrun 1.19,
// src/libkrun/src/lib.rs: implicit vsock → TsiFlags::HIJACK_INET; HIJACK_UNIX is never set by crun 1.29, whose
// krun handler has no vsock call), so the guest's connect() to it cannot reach the host proxy. TSI does carry the
// guest's TCP: the VMM opens each connection itself, in the container's network namespace. So a relay container
// (crun, no network, no capabilities, read-only) listens on 127.0.0.1:PROXY_PORT in a namespace of its own, the
// krun container joins that namespace, and the relay forwards to the proxy's mounted socket. Effects below.
import { execa, type ResultPromise } from 'execa'
import { WrapixError } from '../errors.js'
import type { SandboxPlan } from '../sandbox/plan.js'
import { PROXY_PORT, PROXY_SOCKET_DIR, PROXY_SOCKET_NAME } from './podman-network.js'
import { userArgs } from './podman.js'

/** The relay's own bounds: a child per connection up to the proxy's per-session cap, a little memory each. */
const RELAY_CHILDREN = 256
const RELAY_PIDS = RELAY_CHILDREN + 16
const RELAY_MEMORY_MB = 256

export const relayContainerName = (plan: Pick<SandboxPlan, 'containerName'>): string => `${plan.containerName}-relay`

/** A krun session that reaches the network needs the relay beside it. */
export const needsKrunRelay = (plan: Pick<SandboxPlan, 'runtime' | 'network'>): boolean => plan.runtime === 'krun' && plan.network.socketDir !== null

/** Pure: `podman run` for the relay (program name excluded). `crun` is the plain OCI runtime: the relay is no VM. */
export function krunRelayArgv(plan: SandboxPlan, crun: string): string[] {
  if (!plan.network.socketDir) throw new WrapixError('internal', 'a krun relay needs the proxy socket directory')
  return [
    'run', '--rm',
    '--name', relayContainerName(plan),
    '--runtime', crun,
    '--label', 'wrapix.managed=true', '--label', `wrapix.session=${plan.sessionId}`, '--label', 'wrapix.role=relay',
    '--init',
    '--cap-drop', 'all', '--security-opt', 'no-new-privileges', '--read-only',
    '--network', 'none', // loopback only: the krun container joins this namespace (--network container:NAME)
    // Outside the VM's own limits: socat forks per connection, so the guest could otherwise spend the host's
    // processes and memory through it. The proxy refuses more than 256 connections a session anyway.
    ...(plan.limits.enforced ? ['--pids-limit', String(RELAY_PIDS), '--memory', `${RELAY_MEMORY_MB}m`, '--memory-swap', `${RELAY_MEMORY_MB}m`] : []),
    ...userArgs(plan),
    '--mount', `type=bind,source=${plan.network.socketDir},destination=${PROXY_SOCKET_DIR},ro=true`,
    '--entrypoint', '[]',
    plan.image,
    'socat', '-b', '131072',
    `TCP-LISTEN:${PROXY_PORT},bind=127.0.0.1,fork,max-children=${RELAY_CHILDREN},reuseaddr,nodelay,backlog=256`,
    `UNIX-CONNECT:${PROXY_SOCKET_DIR}/${PROXY_SOCKET_NAME}`,
  ]
}

export interface RunningRelay {
  readonly stop: () => Promise<void>
}

const READY_TIMEOUT_MS = 60_000

/**
 * Starts the relay in the foreground of its own podman (tied to wrapix's life like the sandbox's: setpriv
 * --pdeathsig) and waits until podman reports it running, so the sandbox can join its namespace.
 */
export async function startKrunRelay(plan: SandboxPlan, opts: { crun: string; setpriv: string | null }): Promise<RunningRelay> {
  const argv = krunRelayArgv(plan, opts.crun)
  const [file, args] = opts.setpriv ? [opts.setpriv, ['--pdeathsig', 'TERM', '--', 'podman', ...argv]] : ['podman', argv]
  const child: ResultPromise = execa(file, args, { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' })
  const name = relayContainerName(plan)
  let exited = false
  void child.then(() => (exited = true))
  const stop = async () => {
    await execa('podman', ['rm', '--force', '--ignore', '--time', '0', name], { reject: false })
    await child
  }
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (!exited && Date.now() < deadline) {
    const r = await execa('podman', ['container', 'inspect', '--format', '{{.State.Running}}', name], { reject: false })
    if (String(r.stdout).trim() === 'true') return { stop }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await stop()
  const stderr = String((await child).stderr ?? '').trim().split('\n').slice(-1)[0] ?? ''
  throw new WrapixError('host', `the microVM's network relay did not start${stderr ? `: ${stderr}` : ''}`, 'the image needs socat (apt install socat), or use --network none')
}
