// What a session adds beyond the profile: the project's deploy keys, and ssh through the proxy (limit and open).
import type { ConfigLayers } from '../config/resolve.js'
import type { HostFacts } from '../host/facts.js'
import { enterpriseHostsFrom, sshHostOptions } from '../keys/github-enterprise-hosts.js'
import { findSessionKeys, gitSignEnabled, sessionKeyPlanParts } from '../keys/session-keys.js'
import type { EffectivePolicy } from '../network/effective-policy.js'
import { sshConnectHelperFile, sshProxyCommand, sshProxyFiles } from '../network/ssh-proxy-command.js'
import type { PlanExtras } from '../sandbox/plan-sandbox.js'
import { usesProxy } from '../runtime/podman-network.js'

export async function sessionExtras(
  workspace: string,
  host: HostFacts,
  policy: EffectivePolicy,
  layers: ConfigLayers = { user: null, project: null },
): Promise<PlanExtras & { notices: string[] }> {
  const limit = usesProxy(policy.mode) // open mode also has no route out but the proxy
  const proxy = limit ? sshProxyFiles() : { files: [], env: {} }
  const enterprise = enterpriseHostsFrom(layers)
  const keys = await findSessionKeys(workspace, host.user.home, { enterpriseHosts: enterprise.hosts.map((h) => h.host) })
  if (keys === null) return { binds: [], env: proxy.env, files: proxy.files, notices: [...enterprise.notices] }
  if ('missing' in keys) return { binds: [], env: proxy.env, files: proxy.files, notices: [...enterprise.notices, keys.notice] }
  const parts = sessionKeyPlanParts(keys, {
    gitSign: gitSignEnabled(process.env),
    ...sshHostOptions(enterprise.hosts),
    ...(limit ? { proxyCommand: sshProxyCommand() } : {}),
  })
  const helper = limit ? [sshConnectHelperFile()] : []
  return { binds: parts.mounts, env: parts.env, files: [...parts.files, ...helper], notices: [...enterprise.notices, ...keys.warnings] }
}
