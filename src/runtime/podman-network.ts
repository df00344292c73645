// podman's spelling of a session's network (pure). Every mode starts from `--network none`: podman gives the
// sandbox a namespace with only loopback. In limit and open mode the proxy's unix socket is mounted at
// PROXY_SOCKET_DIR and a relay inside the sandbox listens on 127.0.0.1:PROXY_PORT (see sandbox/entrypoint.ts).
import type { Boundary, NetworkMode } from '../sandbox/plan.js'

export interface PodmanNetworkArgs {
  /** Global podman options, placed before `run`. */
  readonly global: readonly string[]
  /** Options for `podman run`. */
  readonly run: readonly string[]
}

/** Where the proxy's socket directory appears inside the sandbox (read-only). */
export const PROXY_SOCKET_DIR = '/run/wrapix'
/** The proxy socket's file name, on the host (in the session's net directory) and inside the sandbox. */
export const PROXY_SOCKET_NAME = 'proxy.sock'
export const PROXY_PORT = 3128
const PROXY_URL = `http://127.0.0.1:${PROXY_PORT}`

/** Whether the mode reaches the outside through the proxy (and so needs the socket and the relay). */
export const usesProxy = (mode: NetworkMode): boolean => mode !== 'none'

export function podmanNetworkArgs(mode: NetworkMode, boundary: Boundary, containerName = ''): PodmanNetworkArgs {
  // gVisor: network=none gives the sandbox gVisor's own loopback and no host network stack at all; the relay
  // reaches the proxy through the mounted socket, which runsc only passes through with host-uds=open.
  const gvisor = boundary === 'gvisor' ? ['--runtime-flag', 'network=none', ...(usesProxy(mode) ? ['--runtime-flag', 'host-uds=open'] : [])] : []
  // krun: the guest cannot reach a mounted unix socket, only TCP (TSI, made by the VMM in the container's
  // namespace). The relay runs beside the VM in a network-less container whose namespace this one joins
  // (runtime/krun-relay.ts); it is named after the sandbox, so the plan alone spells it.
  if (boundary === 'microvm' && usesProxy(mode)) return { global: gvisor, run: ['--network', `container:${containerName}-relay`] }
  return { global: gvisor, run: ['--network', 'none'] }
}

/** Variables that send the sandbox's HTTP clients through the relay (limit and open mode). */
export function proxyEnv(mode: NetworkMode): Record<string, string> {
  if (!usesProxy(mode)) return {}
  const noProxy = 'localhost,127.0.0.1'
  return {
    HTTPS_PROXY: PROXY_URL, HTTP_PROXY: PROXY_URL, https_proxy: PROXY_URL, http_proxy: PROXY_URL,
    ALL_PROXY: PROXY_URL, all_proxy: PROXY_URL, NO_PROXY: noProxy, no_proxy: noProxy,
  }
}
