// Whether Nix profile images can be built here, as `wrapix doctor` and the image builder report it.
import { describe, expect, it } from 'vitest'
import { nixCheck } from '../../../src/cli/doctor-command.js'
import { hasLinuxBuilder, nixImageProblem } from '../../../src/host/nix-builds.js'
import { ensureImage } from '../../../src/image/ensure.js'
import { ProfileSchema } from '../../../src/config/schema.js'

const MACHINES = 'ssh-ng://builder@wrapix-builder aarch64-linux /Users/ada/.local/state/wrapix/builder/id 4 1 big-parallel - c3NoLWVk\n'

describe('the Linux build machine (macOS)', () => {
  it('finds a *-linux machine in a machines file, ignoring comments and other systems', () => {
    expect(hasLinuxBuilder(MACHINES)).toBe(true)
    expect(hasLinuxBuilder('ssh://mac aarch64-darwin,x86_64-linux - 2\n')).toBe(true)
    expect(hasLinuxBuilder('# ssh-ng://b x86_64-linux\nssh://mac aarch64-darwin\n')).toBe(false)
    expect(hasLinuxBuilder(null)).toBe(false)
  })
})

describe('nix image builds', () => {
  it('Linux needs nix-build only', () => {
    expect(nixImageProblem({ nixBuild: '/usr/bin/nix-build', flakes: false, linuxBuilder: null }, 'linux')).toBeNull()
    expect(nixImageProblem({ nixBuild: null, flakes: false, linuxBuilder: null }, 'linux')?.problem).toBe('nix-build is not on PATH')
  })

  it('macOS also needs the Linux builder, and the fix names wrapix-builder', () => {
    expect(nixImageProblem({ nixBuild: '/nix/var/nix/profiles/default/bin/nix-build', flakes: true, linuxBuilder: true }, 'darwin')).toBeNull()
    const noBuilder = nixImageProblem({ nixBuild: '/nix/var/nix/profiles/default/bin/nix-build', flakes: true, linuxBuilder: false }, 'darwin')
    expect(noBuilder).toEqual({ problem: 'no Linux build machine in /etc/nix/machines', hint: expect.stringContaining('wrapix-builder setup') })
    expect(nixImageProblem({ nixBuild: null, flakes: false, linuxBuilder: false }, 'darwin')?.hint).toContain('wrapix-builder')
  })

  it('doctor shows nix-build, the builder and flakes', () => {
    expect(nixCheck({ nixBuild: '/usr/bin/nix-build', flakes: true, linuxBuilder: null }, 'linux')).toMatchObject({ ok: true, detail: '/usr/bin/nix-build; flakes on' })
    expect(nixCheck({ nixBuild: '/usr/bin/nix-build', flakes: false, linuxBuilder: null }, 'linux').detail).toContain('flakes off (nix develop needs: experimental-features = nix-command flakes)')
    expect(nixCheck({ nixBuild: '/n/nix-build', flakes: true, linuxBuilder: true }, 'darwin').detail).toBe('/n/nix-build, Linux builder configured; flakes on')
    expect(nixCheck({ nixBuild: '/n/nix-build', flakes: true, linuxBuilder: false }, 'darwin')).toMatchObject({ ok: false, fix: expect.stringContaining('wrapix-builder') })
  })

  it('a profile with Nix packages on a Mac without Nix fails before any build, naming wrapix-builder', async () => {
    const profile = ProfileSchema.parse({ packages: { nix: ['ripgrep'] } })
    const host = { os: 'darwin' as const, arch: 'arm64', appleContainer: '/usr/local/bin/container', user: { name: 'ada', uid: 501, gid: 20, home: '/Users/ada' } }
    await expect(ensureImage('devshell', profile, host as never, { env: { PATH: '' } })).rejects.toMatchObject({
      kind: 'host',
      message: 'profile "devshell" lists Nix packages (ripgrep) but nix-build is not on PATH',
      hint: expect.stringContaining('wrapix-builder start && sudo wrapix-builder setup'),
    })
  })
})
