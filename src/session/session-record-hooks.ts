// Connects a launch to its session record: finalize what killed sessions left, apply retention, record this one.
import type { NetworkSummary } from '../network/session-network.js'
import { applyRetention } from './retention.js'
import { finalizeStaleSessions } from './finalize-stale.js'
import type { Prepared } from './prepare.js'
import { startRecording } from './recorder.js'
import type { Redact } from './redact.js'

export interface SessionRecordHandle {
  readonly networkLogPath: string
  finish(result: { exitCode: number | null; network: NetworkSummary | null }): Promise<string>
}

const MODES = { agent: 'interactive', shell: 'shell', command: 'command' } as const

export async function startSessionRecord(prepared: Prepared, argv: string[], redact: Redact): Promise<SessionRecordHandle> {
  const { plan, profile, policy, settings } = prepared
  await finalizeStaleSessions(plan.workspace, redact)
  await applyRetention(plan.workspace, settings.logRetentionDays.value)
  const recorder = await startRecording({
    workspace: plan.workspace,
    sessionId: plan.sessionId,
    mode: MODES[plan.mode],
    agent: plan.agent,
    boundary: plan.boundary,
    runtime: plan.runtime,
    image: { ref: plan.image },
    profile: { name: profile.name, digest: profile.digest },
    argv,
    ...(plan.agentSessionId ? { agentSessionId: plan.agentSessionId } : {}),
    policy: { mode: policy.mode, digest: policy.digest },
    redact,
  })
  return {
    networkLogPath: recorder.networkLogPath,
    finish: ({ exitCode, network }) =>
      recorder.finish({ exitCode, exitStatus: exitCode === null ? 'unknown' : 'exited', ...(network ? { network: { ...network, deniedHosts: network.deniedHosts.map((d) => ({ ...d, allowCommand: d.allowCommand ?? '' })) } } : {}) }),
  }
}
