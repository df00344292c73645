// Starting, stopping, inspecting and rotating the builder container (effects; argv comes from builder-argv).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { WrapixError } from '../errors.js'
import { keyAgeWarning } from '../keys/key-age.js'
import { builderCommands, builderSshArgv } from './builder-argv.js'
import { builderBuildContext, builderImageTag } from './builder-image.js'
import { type BuilderRecord, ensureBuilderKeys, readBuilderRecord, requireBuilderRecord, rotateBuilderClientKey } from './builder-keys.js'
import { runOnBuilder } from './builder-probe.js'
import type { BuilderSettings } from './builder-settings.js'

export type ContainerState = 'running' | 'stopped' | 'absent'

export interface BuilderStatus {
  readonly name: string
  readonly address: string
  readonly container: ContainerState
  readonly ssh: { ok: true; nix: string; daemon: boolean } | { ok: false; error: string } | null // null: not running
  readonly clientFingerprint: string | null
  readonly hostFingerprint: string | null
  readonly keyCreated: string | null
  readonly warnings: string[]
}

async function engine(settings: BuilderSettings, argv: string[], what: string): Promise<string> {
  const bin = builderCommands(settings).binary
  const r = await execa(bin, argv, { reject: false, stdin: 'ignore' })
  if (r.exitCode === 0) return r.stdout.trim()
  if ((r as { code?: string }).code === 'ENOENT') {
    throw new WrapixError('host', `${bin} is not installed; the builder needs it`, settings.engine === 'apple'
      ? 'install Apple container: https://github.com/apple/container' : 'install podman: apt-get install podman')
  }
  const last = (r.stderr || r.stdout).trim().split('\n').pop() ?? ''
  throw new WrapixError('internal', `${bin} could not ${what} (${last})`, `see: ${bin} ${argv.join(' ')}`)
}

export async function containerState(settings: BuilderSettings): Promise<ContainerState> {
  const cmds = builderCommands(settings)
  const r = await execa(cmds.binary, cmds.state(), { reject: false, stdin: 'ignore' })
  if (r.exitCode !== 0) return 'absent'
  return /running/i.test(r.stdout) ? 'running' : 'stopped'
}

async function ensureImage(settings: BuilderSettings): Promise<string> {
  const cmds = builderCommands(settings)
  const tag = builderImageTag(settings)
  const exists = await execa(cmds.binary, cmds.imageExists(tag), { reject: false, stdin: 'ignore' })
  if (exists.exitCode === 0) return tag
  const dir = await mkdtemp(join(tmpdir(), 'wrapix-builder-image-'))
  try {
    for (const [file, content] of Object.entries(builderBuildContext(settings.baseImage))) await writeFile(join(dir, file), content)
    await engine(settings, cmds.build(tag, dir), `build the builder image from ${settings.baseImage}`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return tag
}

async function waitForSsh(settings: BuilderSettings, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await runOnBuilder(settings, 'true', { timeoutMs: 3000 })
      return
    } catch (err) {
      // A wrong host key is never a timing issue: stop at once.
      if (err instanceof WrapixError && /host key/.test(err.message)) throw err
      if (Date.now() > deadline) throw err
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}

/** Start (or keep) the builder; returns its status once SSH answers. */
export async function startBuilder(settings: BuilderSettings, now: Date): Promise<BuilderStatus> {
  await ensureBuilderKeys(settings, now)
  const state = await containerState(settings)
  if (state !== 'running') {
    const cmds = builderCommands(settings)
    if (state === 'stopped') await engine(settings, cmds.remove(), 'remove the stopped builder')
    const tag = await ensureImage(settings)
    await engine(settings, cmds.run(tag), `start the builder on ${settings.host}:${settings.port}`)
    await waitForSsh(settings, 30_000)
  }
  return builderStatus(settings, now)
}

/** Stop and remove the container; the /nix store volume stays unless `purge`. */
export async function stopBuilder(settings: BuilderSettings, opts: { purge: boolean }): Promise<ContainerState> {
  const cmds = builderCommands(settings)
  const before = await containerState(settings)
  if (before === 'running') await engine(settings, cmds.stop(), 'stop the builder')
  if (before !== 'absent') await engine(settings, cmds.remove(), 'remove the builder container')
  if (opts.purge && settings.engine === 'podman') {
    await execa('podman', ['volume', 'rm', '--force', settings.volume], { reject: false, stdin: 'ignore' })
  }
  return before
}

export async function builderStatus(settings: BuilderSettings, now: Date): Promise<BuilderStatus> {
  const record: BuilderRecord | null = await readBuilderRecord(settings)
  const container = await containerState(settings)
  let ssh: BuilderStatus['ssh'] = null
  if (container === 'running' && record) {
    try {
      const probe = await runOnBuilder(settings, 'nix-store --version; nix store ping >/dev/null 2>&1 && echo daemon-ok')
      ssh = { ok: true, nix: probe.stdout.split('\n')[0]?.trim() ?? '', daemon: probe.stdout.includes('daemon-ok') }
    } catch (err) {
      ssh = { ok: false, error: err instanceof Error ? err.message : String(err) }
    }
  }
  const age = record ? keyAgeWarning('builder', 'builder', record.created, now) : null
  return {
    name: settings.name,
    address: `${settings.host}:${settings.port}`,
    container,
    ssh,
    clientFingerprint: record?.clientFingerprint ?? null,
    hostFingerprint: record?.hostFingerprint ?? null,
    keyCreated: record?.created ?? null,
    warnings: age ? [age] : [],
  }
}

/** `wrapix-builder ssh [CMD…]`: OpenSSH on the terminal with the builder's key and pinned host key; its exit code. */
export async function sshIntoBuilder(settings: BuilderSettings, command: readonly string[], tty: boolean): Promise<number> {
  await requireBuilderRecord(settings)
  const r = await execa('ssh', builderSshArgv(settings, command, tty), { stdio: 'inherit', reject: false })
  if ((r as { code?: string }).code === 'ENOENT') throw new WrapixError('host', 'the OpenSSH client (ssh) is not installed', 'install openssh-client')
  return r.exitCode ?? 255
}

/** `wrapix keys rotate builder`: a running builder is switched over without a moment without a key. */
export async function rotateBuilderKeys(settings: BuilderSettings, now: Date): Promise<BuilderRecord> {
  const running = (await containerState(settings)) === 'running'
  const cmds = builderCommands(settings)
  return rotateBuilderClientKey(settings, now, {
    reload: async () => {
      if (running) await engine(settings, cmds.exec(['/usr/local/sbin/wrapix-builder-sync-keys']), 'reload the builder keys')
    },
    verify: async (privateKey) => {
      if (running) await runOnBuilder(settings, 'true', { privateKey })
    },
  })
}
