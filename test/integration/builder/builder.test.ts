// wrapix-builder under real podman: start, SSH with the generated keys (ssh2 and OpenSSH), a wrong host key
// refused, key rotation while running, stop leaves nothing. Unique name, port and HOME per run.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builderSshArgv } from '../../../src/builder/builder-argv.js'
import { readBuilderRecord } from '../../../src/builder/builder-keys.js'
import { runOnBuilder } from '../../../src/builder/builder-probe.js'
import { builderStatus, containerState, rotateBuilderKeys, sshIntoBuilder, startBuilder, stopBuilder } from '../../../src/builder/builder-service.js'
import { type BuilderSettings, builderPaths, resolveBuilderSettings } from '../../../src/builder/builder-settings.js'
import { generateKeyPair } from '../../../src/keys/key-pair.js'
import { closedLoopbackPort } from '../../helpers/mock-github.js'
import { BASE_IMAGE, requirePodman, uniqueName } from '../../helpers/podman.js'

const podman = await requirePodman()
let home: string
let settings: BuilderSettings

describe.skipIf(!podman)('wrapix-builder (podman)', () => {
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'wrapix-builder-'))
    const port = await closedLoopbackPort()
    settings = resolveBuilderSettings(home, {}, 'linux', { name: uniqueName('wrapix-builder-test'), port, baseImage: BASE_IMAGE })
  })
  afterAll(async () => {
    if (!settings) return
    await execa('podman', ['rm', '--force', '--ignore', settings.name], { reject: false })
    await execa('podman', ['volume', 'rm', '--force', settings.volume], { reject: false })
    await rm(home, { recursive: true, force: true })
  })

  it('starts, with private key files, and answers status over SSH', async () => {
    const status = await startBuilder(settings, new Date())
    expect(status.container).toBe('running')
    expect(status.ssh).toMatchObject({ ok: true, nix: expect.stringContaining('nix-store (Nix)'), daemon: true })
    const paths = builderPaths(settings)
    for (const dir of [paths.dir, paths.containerDir]) expect((await stat(dir)).mode & 0o777).toBe(0o700)
    for (const file of [paths.clientKey, paths.clientPublicKey, paths.hostKey, paths.knownHosts, paths.authorizedKeys]) {
      expect((await stat(file)).mode & 0o777).toBe(0o600)
    }
    const inspect = await execa('podman', ['port', settings.name])
    expect(inspect.stdout.trim()).toBe(`22/tcp -> 127.0.0.1:${settings.port}`)
  }, 300_000)

  it('runs `ssh echo ok` with OpenSSH, the generated key and the pinned host key; logins as root are refused', async () => {
    const r = await execa('ssh', builderSshArgv(settings, ['echo', 'ok'], false), { reject: false, stdin: 'ignore' })
    expect(r.stdout).toBe('ok')
    expect(r.exitCode).toBe(0)
    const argv = builderSshArgv(settings, ['true'], false).map((a) => (a === `builder@${settings.host}` ? `root@${settings.host}` : a))
    const root = await execa('ssh', argv, { reject: false, stdin: 'ignore' })
    expect(root.exitCode).toBe(255)
    expect(root.stderr).toContain('Permission denied')
  })

  it('wrapix-builder ssh returns the remote command’s exit code, and needs the builder’s keys', async () => {
    expect(await sshIntoBuilder(settings, ['exit', '7'], false)).toBe(7)
    const keyless = resolveBuilderSettings(home, {}, 'linux', { name: uniqueName('wrapix-builder-keyless') })
    await expect(sshIntoBuilder(keyless, ['true'], false)).rejects.toMatchObject({ kind: 'usage', message: expect.stringContaining('has no keys yet') })
  })

  it('refuses a builder whose host key is not the pinned one', async () => {
    const paths = builderPaths(settings)
    const good = `[127.0.0.1]:${settings.port} ${(await readBuilderRecord(settings))!.hostPublicKey.split(' ').slice(0, 2).join(' ')}\n`
    const impostor = generateKeyPair('impostor').publicKey.split(' ').slice(0, 2).join(' ')
    await writeFile(paths.knownHosts, `[127.0.0.1]:${settings.port} ${impostor}\n`)
    try {
      await expect(runOnBuilder(settings, 'echo ok')).rejects.toMatchObject({ message: expect.stringContaining('not the pinned one') })
      const r = await execa('ssh', builderSshArgv(settings, ['echo', 'ok'], false), { reject: false, stdin: 'ignore' })
      expect(r.exitCode).toBe(255)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/host key/i)
    } finally {
      await writeFile(paths.knownHosts, good)
    }
  })

  it('rotates the client key while running: the new key works, the old one no longer does', async () => {
    const oldKey = await import('node:fs/promises').then((fs) => fs.readFile(builderPaths(settings).clientKey, 'utf8'))
    const record = await rotateBuilderKeys(settings, new Date())
    expect(await runOnBuilder(settings, 'echo rotated')).toMatchObject({ exitCode: 0, stdout: 'rotated\n' })
    await expect(runOnBuilder(settings, 'true', { privateKey: oldKey })).rejects.toMatchObject({ message: expect.stringContaining('did not accept') })
    expect((await builderStatus(settings, new Date())).clientFingerprint).toBe(record.clientFingerprint)
  })

  it('stop leaves nothing running; status then says so', async () => {
    await stopBuilder(settings, { purge: true })
    expect(await containerState(settings)).toBe('absent')
    const ps = await execa('podman', ['ps', '--all', '--filter', `name=^${settings.name}$`, '--format', '{{.Names}}'])
    expect(ps.stdout.trim()).toBe('')
    const volumes = await execa('podman', ['volume', 'ls', '--format', '{{.Name}}'])
    expect(volumes.stdout.split('\n')).not.toContain(settings.volume)
    expect(await builderStatus(settings, new Date())).toMatchObject({ container: 'absent', ssh: null })
  })
})
