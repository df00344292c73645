// Starts and stops one session's network: the proxy and forwarder (limit), the NAT bridge (open), or nothing (none).
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Boundary, NetworkMode } from '../sandbox/plan.js'
import { PROXY_PORT, podmanNetworkArgs, proxyEnv, sessionNetnsName } from '../runtime/podman-network.js'
import type { CredentialLeak, DeniedHost } from './audit-log.js'
import type { InjectedCredential } from './credentials.js'
import type { CredentialRecord } from '../sandbox/credential-plan.js'
import type { EffectivePolicy } from './effective-policy.js'
import { startForwarder } from './forwarder.js'
import type { Forwarder } from './forwarder.js'
import { createNetns, deleteNetns } from './netns.js'
import { removeNetnsOwner, removeStaleNetworks, writeNetnsOwner } from './stale-networks.js'
import { hostAddressesInUse, openEgressPlan, setupOpenEgress, teardownOpenEgress } from './open-egress.js'
import type { OpenEgressPlan } from './open-egress.js'
import { startProxy } from './proxy.js'
import type { ConnectionCounts, RunningProxy } from './proxy.js'
import type { Lookup } from './resolve-destination.js'

export interface SessionNetworkOptions {
  readonly sessionId: string
  /** Its mode decides what starts (limit: proxy and forwarder; open: the NAT bridge; none: nothing). */
  readonly policy: EffectivePolicy
  readonly auditPath: string
  readonly resolve: Readonly<Record<string, string>>
  /** A private host directory (0700) for the proxy socket. */
  readonly runtimeDir: string
  /** Defaults to 'container' (no runtime flag); pass the plan's boundary so gVisor gets its network flag. */
  readonly boundary?: Boundary
  readonly lookup?: Lookup
  /** Masks the session's secrets in audit lines and the summary. */
  readonly redact?: (text: string) => string
  /** Agent credentials the proxy adds on their API's route; in open mode they start the proxy too. */
  readonly credentials?: readonly InjectedCredential[]
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
}

export interface SessionNetwork {
  readonly podmanArgs: { readonly global: string[]; readonly run: string[] }
  readonly env: Record<string, string>
  /** Settles (never rejects) with a one-line message if the proxy or forwarder dies mid-session. */
  readonly failed: Promise<string>
  close(): Promise<NetworkSummary>
}

export async function startSessionNetwork(opts: SessionNetworkOptions): Promise<SessionNetwork> {
  const { mode } = opts.policy
  const args = podmanNetworkArgs(mode, opts.sessionId, opts.boundary ?? 'container')
  const summaryBase = { mode, policyDigest: opts.policy.digest }
  const none = { allowed: 0, denied: 0, deniedHosts: [], credentialLeaks: [], connections: { total: 0, peak: 0, refused: 0, idleClosed: 0 } }
  await removeStaleNetworks() // what a SIGKILLed wrapix left behind (any mode: every start tidies up)
  if (mode === 'none') {
    return { podmanArgs: { global: [...args.global], run: [...args.run] }, env: {}, failed: new Promise(() => {}), close: async () => ({ ...summaryBase, ...none }) }
  }

  const netns = sessionNetnsName(opts.sessionId)
  let proxy: RunningProxy | null = null
  let forwarder: Forwarder | null = null
  let egress: OpenEgressPlan | null = null
  let closed: Promise<NetworkSummary> | null = null
  const teardown = async (): Promise<void> => {
    await forwarder?.stop()
    await proxy?.close()
    if (egress) await teardownOpenEgress(egress)
    await deleteNetns(netns)
    await removeNetnsOwner(netns)
  }

  await writeNetnsOwner(netns) // before the namespace exists: see removeStaleNetworks()
  try {
    await createNetns(netns)
  } catch (err) {
    await removeNetnsOwner(netns)
    throw err
  }
  const run = [...args.run]
  const credentials = opts.credentials ?? []
  try {
    // open mode starts the proxy only for the credential routes (the sandbox uses it for nothing else).
    if (mode === 'limit' || credentials.length > 0) {
      await mkdir(opts.runtimeDir, { recursive: true, mode: 0o700 })
      proxy = await startProxy({
        socketPath: join(opts.runtimeDir, `proxy-${opts.sessionId}.sock`),
        policy: opts.policy, auditPath: opts.auditPath, resolve: opts.resolve, credentials,
        ...(opts.redact ? { redact: opts.redact } : {}),
        ...(opts.lookup ? { lookup: opts.lookup } : {}),
      })
      forwarder = await startForwarder(netns, proxy.socketPath, PROXY_PORT)
    }
    if (mode === 'open') {
      const resolvConf = await readFile('/etc/resolv.conf', 'utf8').catch(() => '')
      egress = openEgressPlan(opts.sessionId, netns, await hostAddressesInUse(), resolvConf)
      await setupOpenEgress(egress)
      run.push(...egress.dnsServers.flatMap((d) => ['--dns', d]))
    }
  } catch (err) {
    await teardown()
    throw err
  }

  // Either part dying leaves the namespace with no path out (nothing else listens there): fail closed.
  const failed = Promise.race([
    proxy?.stopped ?? new Promise<string>(() => {}),
    forwarder?.exited.then((m) => (m === 'stopped' ? new Promise<string>(() => {}) : m)) ?? new Promise<string>(() => {}),
  ]).then((message) => `${message}; the sandbox has no network now`)

  return {
    podmanArgs: { global: [...args.global], run },
    env: proxyEnv(mode),
    failed,
    close: () => {
      closed ??= (async () => {
        await teardown() // first: tunnels still open are audited as they close
        const counts = proxy?.counts() ?? none
        return { ...summaryBase, ...counts, deniedHosts: [...counts.deniedHosts], credentialLeaks: [...counts.credentialLeaks] }
      })()
      return closed
    },
  }
}
