import { describe, expect, it } from 'vitest'
import type { BuilderRecord } from '../../../src/builder/builder-keys.js'
import { builderSetupActions, nixBuildMachine, withMarkedBlock } from '../../../src/builder/builder-setup.js'
import { resolveBuilderSettings } from '../../../src/builder/builder-settings.js'

const settings = resolveBuilderSettings('/home/ada', {}, 'linux')
const record: BuilderRecord = {
  version: 1,
  name: 'wrapix-builder',
  created: '2025-01-01T00:00:00.000Z',
  clientPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIClient c',
  clientFingerprint: 'SHA256:c',
  hostPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHost wrapix-builder-host:wrapix-builder',
  hostFingerprint: 'SHA256:h',
}

describe('withMarkedBlock', () => {
  it('appends once, then replaces only its own block', () => {
    const user = 'Host work\n  User ada\n'
    const once = withMarkedBlock(user, 'b', 'Host b\n  Port 1\n')
    expect(once).toBe('Host work\n  User ada\n\n# >>> wrapix-builder b >>>\nHost b\n  Port 1\n# <<< wrapix-builder b <<<\n')
    const twice = withMarkedBlock(`${once}Host later\n`, 'b', 'Host b\n  Port 2\n')
    expect(twice).toBe('Host work\n  User ada\n\n# >>> wrapix-builder b >>>\nHost b\n  Port 2\n# <<< wrapix-builder b <<<\nHost later\n')
    expect(withMarkedBlock(twice, 'b', 'Host b\n  Port 2\n')).toBe(twice)
  })
})

describe('builder setup', () => {
  it('pins the host key in the Nix machine entry', () => {
    const { nix, machinesLine } = nixBuildMachine(settings, record, 'x64')
    const pinned = Buffer.from('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHost\n').toString('base64')
    expect(nix).toContain(`publicHostKey = "${pinned}";`)
    expect(nix).toContain('systems = [ "x86_64-linux" ];')
    expect(machinesLine).toBe(`ssh-ng://builder@wrapix-builder x86_64-linux /home/ada/.config/wrapix/builder/client_ed25519 4 1 big-parallel - ${pinned}\n`)
  })
  it('touches system files only where Nix is not managed by nix-darwin', () => {
    const paths = (nixDarwin: boolean) =>
      builderSetupActions(settings, record, { home: '/home/ada', root: '/', arch: 'arm64', nixDarwin }).map((a) => [a.path, a.system])
    expect(paths(false)).toEqual([
      ['/home/ada/.ssh/config', false],
      ['/etc/ssh/ssh_config.d/wrapix-builder.conf', true],
      ['/etc/nix/machines', true],
      ['/etc/nix/nix.conf', true],
    ])
    expect(paths(true)).toHaveLength(2)
  })
})
