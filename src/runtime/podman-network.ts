// podman's spelling of a session's network (pure): the namespace wrapix prepared, and gVisor's network flag.
import { WrapixError } from '../errors.js'
import type { Boundary, NetworkMode } from '../sandbox/plan.js'

export interface PodmanNetworkArgs {
  /** Global podman options, placed before `run`. */
  readonly global: readonly string[]
  /** Options for `podman run`. */
  readonly run: readonly string[]
}

/** The named network namespace (under /run/netns) wrapix creates for a session in limit and open mode. */
export function sessionNetnsName(sessionId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(sessionId)) {
    throw new WrapixError('internal', `session id "${sessionId}" cannot name a network namespace`)
  }
  return `wrapix-${sessionId}`
}

export const netnsPath = (sessionId: string): string => `/run/netns/${sessionNetnsName(sessionId)}`

export function podmanNetworkArgs(mode: NetworkMode, sessionId: string, boundary: Boundary): PodmanNetworkArgs {
  // gVisor normally runs its own network stack: the proxy forwarder on the namespace's loopback would be
  // out of its reach, and runsc 20221219 under podman 4.3 refuses to start with it at all ("cannot run with
  // network enabled in root network namespace"). network=host makes the sandbox use the kernel stack of the
  // namespace wrapix prepared (loopback only in limit mode); raw and packet sockets stay unsupported.
  // For none, network=none gives gVisor a loopback of its own.
  const gvisor = (flag: string): string[] => (boundary === 'gvisor' ? ['--runtime-flag', `network=${flag}`] : [])
  if (mode === 'none') return { global: gvisor('none'), run: ['--network', 'none'] }
  // krun: the VMM's socket relay (TSI) runs in this namespace, so the same argv applies.
  return { global: gvisor('host'), run: ['--network', `ns:${netnsPath(sessionId)}`] }
}

export const PROXY_PORT = 3128
const PROXY_URL = `http://127.0.0.1:${PROXY_PORT}`

/** Variables that send the sandbox's HTTP clients through the forwarder (limit mode only). */
export function proxyEnv(mode: NetworkMode): Record<string, string> {
  if (mode !== 'limit') return {}
  const noProxy = 'localhost,127.0.0.1'
  return {
    HTTPS_PROXY: PROXY_URL, HTTP_PROXY: PROXY_URL, https_proxy: PROXY_URL, http_proxy: PROXY_URL,
    ALL_PROXY: PROXY_URL, all_proxy: PROXY_URL, NO_PROXY: noProxy, no_proxy: noProxy,
  }
}
