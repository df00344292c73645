// Starts and stops one session's network: the filtering proxy on a unix socket (limit and open), or nothing (none).
// Nothing here needs privileges: the sandbox's namespace is podman's (`--network none`, loopback only), and the
// relay inside it reaches the proxy through the socket's directory, mounted read-only (see sandbox/entrypoint.ts).
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { NetworkMode } from '../sandbox/plan.js'
import { PROXY_SOCKET_NAME, proxyEnv, usesProxy } from '../runtime/podman-network.js'
import type { CredentialLeak, DeniedHost } from './audit-log.js'
import type { InjectedCredential } from './credentials.js'
import type { CredentialRecord } from '../sandbox/credential-plan.js'
import type { EffectivePolicy } from './effective-policy.js'
import { startProxy } from './proxy.js'
import type { ConnectionCounts, RunningProxy } from './proxy.js'
import type { Lookup } from './resolve-destination.js'
import type { UpstreamProxies } from './upstream-proxy.js'

export interface SessionNetworkOptions {
  readonly sessionId: string
  /** Its mode decides what starts (limit and open: the proxy; none: nothing). */
  readonly policy: EffectivePolicy
  readonly auditPath: string
  readonly resolve: Readonly<Record<string, string>>
  /** The session's private host directory (0700) for the proxy socket: the plan's network.socketDir. */
  readonly socketDir: string
  /**
   * macOS: Apple's container recreates a mounted socket inside the VM as root's, with the host socket's mode
   * (apple/container 1.2.2, RuntimeService.swift, UnixSocketConfiguration permissions): the sandbox user reaches
   * it only when the mode lets everyone connect. On the host the socket stays behind its 0700 directory.
   */
  readonly socketMode?: number
  readonly lookup?: Lookup
  /** Masks the session's secrets in audit lines and the summary. */
  readonly redact?: (text: string) => string
  /** Agent credentials the proxy adds on their API's route. */
  readonly credentials?: readonly InjectedCredential[]
  /** The host's own upstream proxy. */
  readonly upstream?: UpstreamProxies
}

export interface NetworkSummary {
  readonly mode: NetworkMode
  readonly policyDigest: string
  readonly allowed: number
  readonly denied: number
  readonly deniedHosts: readonly DeniedHost[]
  readonly credentialLeaks: readonly CredentialLeak[]
  readonly connections: ConnectionCounts
  /** How each agent credential reached (or did not reach) the session: names and hosts only. */
  readonly credentials?: readonly CredentialRecord[]
  /** The host's upstream proxy allowed destinations went through (password masked), unless NO_PROXY. */
  readonly upstreamProxy?: string
}

export interface SessionNetwork {
  readonly env: Record<string, string>
  /** Settles (never rejects) with a one-line message if the proxy dies mid-session. */
  readonly failed: Promise<string>
  close(): Promise<NetworkSummary>
}

/** The proxy socket's host path for a session's socket directory. */
export const proxySocketPath = (socketDir: string): string => join(socketDir, PROXY_SOCKET_NAME)

export async function startSessionNetwork(opts: SessionNetworkOptions): Promise<SessionNetwork> {
  const { mode } = opts.policy
  const via = opts.upstream?.https?.display ?? opts.upstream?.http?.display
  const summaryBase = { mode, policyDigest: opts.policy.digest, ...(via && usesProxy(mode) ? { upstreamProxy: via } : {}) }
  const none = { allowed: 0, denied: 0, deniedHosts: [], credentialLeaks: [], connections: { total: 0, peak: 0, refused: 0, idleClosed: 0 } }
  if (!usesProxy(mode)) {
    return { env: {}, failed: new Promise(() => {}), close: async () => ({ ...summaryBase, ...none }) }
  }

  await mkdir(opts.socketDir, { recursive: true, mode: 0o700 })
  // open: the same path with every public host allowed; loopback/private/metadata stay refused, all audited.
  const policy = mode === 'open' ? { ...opts.policy, anyPublicHost: true } : opts.policy
  const proxy: RunningProxy = await startProxy({
    socketPath: proxySocketPath(opts.socketDir),
    ...(opts.socketMode !== undefined ? { socketMode: opts.socketMode } : {}),
    policy, auditPath: opts.auditPath, resolve: opts.resolve, credentials: opts.credentials ?? [],
    ...(opts.redact ? { redact: opts.redact } : {}),
    ...(opts.lookup ? { lookup: opts.lookup } : {}),
    ...(opts.upstream ? { upstream: opts.upstream } : {}),
  })
  // With the proxy gone the relay's connections fail: the sandbox has no path out (fail closed).
  const failed = proxy.stopped.then((message) => `${message}; the sandbox has no network now`)
  let closed: Promise<NetworkSummary> | null = null
  return {
    env: proxyEnv(mode),
    failed,
    close: () => {
      closed ??= (async () => {
        await proxy.close() // tunnels still open are audited as they close
        const counts = proxy.counts()
        return { ...summaryBase, ...counts, deniedHosts: [...counts.deniedHosts], credentialLeaks: [...counts.credentialLeaks] }
      })()
      return closed
    },
  }
}
