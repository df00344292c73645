// launch(): one session from a prepared plan — files, network, record, podman — and everything torn down after.
import { chmod, mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { WrapixError } from '../errors.js'
import { startSessionNetwork, type NetworkSummary, type SessionNetwork } from '../network/session-network.js'
import { podmanArgv } from '../runtime/podman.js'
import { runPodman, type SessionIo } from '../runtime/run-podman.js'
import { FILES_ROOT, type SandboxPlan } from '../sandbox/plan.js'
import type { Prepared } from './prepare.js'
import { claimSessionDir, removeStaleSessionDirs } from './session-dirs.js'

export interface LaunchHooks {
  /** Where the proxy appends its audit lines (the session record's sibling file). */
  readonly networkLogPath?: string
  readonly onEnd?: (result: { exitCode: number | null; network: NetworkSummary | null }) => Promise<void>
  readonly notice?: (message: string) => void
  readonly resolve?: Readonly<Record<string, string>>
  /** Masks secrets in what the network writes (audit lines, denied hosts). */
  readonly redact?: (text: string) => string
  /** Non-interactive input and output (ralph); absent: the terminal is the sandbox's. */
  readonly io?: SessionIo
}

/** Writes the session's files where the plan mounts them from (a private, per-session directory). */
export async function writeSessionFiles(plan: SandboxPlan): Promise<void> {
  for (const dir of plan.hostDirs) await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(plan.filesDir, 0o755) // the sandbox user (mapped, not the host user) must read these files
  for (const file of plan.files) {
    const path = join(plan.filesDir, relative(FILES_ROOT, file.dest))
    await mkdir(dirname(path), { recursive: true, mode: 0o755 })
    await writeFile(path, file.content, { mode: file.mode })
    await chmod(path, file.mode)
  }
  // Mount points for binds that appear inside FILES_ROOT (deploy keys) must exist in the read-only parent,
  // and be of the source's kind: a file bound onto a directory fails ("Not a directory").
  for (const mount of plan.mounts) {
    if (mount.kind === 'bind' && mount.dest.startsWith(`${FILES_ROOT}/`)) {
      const target = join(plan.filesDir, relative(FILES_ROOT, mount.dest))
      if ((await stat(mount.source)).isDirectory()) {
        await mkdir(target, { recursive: true, mode: 0o755 })
      } else {
        await mkdir(dirname(target), { recursive: true, mode: 0o755 })
        await writeFile(target, '', { mode: 0o600 })
      }
    }
  }
}

/** Only the podman backend launches: the macOS network path (proxy over the VM's network) is not built yet. */
export function assertLaunchable(plan: SandboxPlan): void {
  if (plan.backend !== 'podman') {
    throw new WrapixError('host', `launching with ${plan.backend} is not supported yet`, 'wrapix --dry-run prints the exact container command for this host')
  }
}

export async function launch(prepared: Prepared, hooks: LaunchHooks = {}): Promise<number> {
  const { plan, secrets, policy, host } = prepared
  assertLaunchable(plan)
  const sessionDir = dirname(plan.filesDir)
  await mkdir(dirname(sessionDir), { recursive: true, mode: 0o755 })
  await removeStaleSessionDirs(dirname(sessionDir))
  let network: SessionNetwork | null = null
  let exitCode: number | null = null
  try {
    await writeSessionFiles(plan)
    await claimSessionDir(sessionDir)
    network = await startSessionNetwork({
      sessionId: plan.sessionId,
      policy,
      auditPath: hooks.networkLogPath ?? join(sessionDir, 'network.jsonl'),
      resolve: hooks.resolve ?? {},
      socketDir: plan.network.socketDir ?? join(sessionDir, 'net'),
      ...(hooks.redact ? { redact: hooks.redact } : {}),
    })
    // Fail closed: with the proxy gone the sandbox has no route out; the user is told.
    void network.failed.then((message) => hooks.notice?.(`the session's network proxy stopped, so the sandbox is now offline: ${message}`))
    const argv = podmanArgv(plan)
    exitCode = await runPodman({ argv, containerName: plan.containerName, secrets, setpriv: host.tools.setpriv, ...(hooks.io ? { io: hooks.io } : {}) })
    return exitCode
  } finally {
    const summary = (await network?.close().catch((err: unknown) => {
      hooks.notice?.(`could not tear down the session network cleanly: ${(err as Error).message}`)
      return null
    })) ?? null
    await hooks.onEnd?.({ exitCode, network: summary })
    await rm(sessionDir, { recursive: true, force: true })
  }
}
