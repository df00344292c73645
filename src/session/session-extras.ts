// What a session adds beyond the profile: the project's deploy keys, and ssh through the proxy in limit mode.
import type { HostFacts } from '../host/facts.js'
import { findSessionKeys, gitSignEnabled, sessionKeyPlanParts } from '../keys/session-keys.js'
import type { EffectivePolicy } from '../network/effective-policy.js'
import { sshProxyCommand, sshProxyFiles } from '../network/ssh-proxy-command.js'
import { SSH_CONNECT_HELPER_PATH, sshConnectHelperScript } from '../network/ssh-proxy-config.js'
import type { PlanExtras } from '../sandbox/plan-sandbox.js'

export async function sessionExtras(workspace: string, host: HostFacts, policy: EffectivePolicy): Promise<PlanExtras & { notices: string[] }> {
  const limit = policy.mode === 'limit'
  const proxy = limit ? sshProxyFiles() : { files: [], env: {} }
  const keys = await findSessionKeys(workspace, host.user.home)
  if (keys === null) return { binds: [], env: proxy.env, files: proxy.files, notices: [] }
  if ('missing' in keys) return { binds: [], env: proxy.env, files: proxy.files, notices: [keys.notice] }
  const parts = sessionKeyPlanParts(keys, { gitSign: gitSignEnabled(process.env), ...(limit ? { proxyCommand: sshProxyCommand() } : {}) })
  const helper = limit ? [{ dest: SSH_CONNECT_HELPER_PATH, content: sshConnectHelperScript(), mode: 0o755 }] : []
  return { binds: parts.mounts, env: parts.env, files: [...parts.files, ...helper], notices: [...keys.warnings] }
}
