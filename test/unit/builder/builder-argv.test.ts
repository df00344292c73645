import { describe, expect, it } from 'vitest'
import { appleBuilderCommands, builderSshArgv, podmanBuilderCommands } from '../../../src/builder/builder-argv.js'
import { builderImageTag } from '../../../src/builder/builder-image.js'
import { resolveBuilderSettings } from '../../../src/builder/builder-settings.js'

const linux = resolveBuilderSettings('/home/ada', {}, 'linux')
const mac = resolveBuilderSettings('/Users/ada', {}, 'darwin')

describe('builder settings', () => {
  it('defaults to 127.0.0.1:2222, a private dir under ~/.config, podman on Linux and container on macOS', () => {
    expect(linux).toMatchObject({ engine: 'podman', host: '127.0.0.1', port: 2222, name: 'wrapix-builder', volume: 'wrapix-builder-nix', stateDir: '/home/ada/.config/wrapix/builder' })
    expect(mac.engine).toBe('apple')
  })
  it('takes the port from a flag or WRAPIX_BUILDER_PORT and rejects nonsense', () => {
    expect(resolveBuilderSettings('/h', { WRAPIX_BUILDER_PORT: '2300' }, 'linux').port).toBe(2300)
    expect(resolveBuilderSettings('/h', { WRAPIX_BUILDER_PORT: '2300' }, 'linux', { port: '2400' }).port).toBe(2400)
    expect(() => resolveBuilderSettings('/h', {}, 'linux', { port: '70000' })).toThrow(/invalid builder port/)
    expect(() => resolveBuilderSettings('/h', {}, 'linux', { name: 'Bad Name' })).toThrow(/invalid builder name/)
  })
})

describe('builder argv', () => {
  const tag = builderImageTag(linux)
  it('runs the podman builder on loopback only, with the store volume and the key dir read-only', () => {
    expect(podmanBuilderCommands(linux).run(tag)).toMatchInlineSnapshot(`
      [
        "run",
        "--detach",
        "--name",
        "wrapix-builder",
        "--hostname",
        "wrapix-builder",
        "--label",
        "io.wrapix.builder=wrapix-builder",
        "--init",
        "--publish",
        "127.0.0.1:2222:22",
        "--mount",
        "type=volume,src=wrapix-builder-nix,dst=/nix",
        "--mount",
        "type=bind,src=/home/ada/.config/wrapix/builder/container,dst=/etc/wrapix-builder,ro",
        "${tag}",
      ]
    `)
  })
  it('runs the Apple container builder the same way', () => {
    expect(appleBuilderCommands(mac).run('img')).toMatchInlineSnapshot(`
      [
        "run",
        "--detach",
        "--name",
        "wrapix-builder",
        "--label",
        "io.wrapix.builder=wrapix-builder",
        "--publish",
        "127.0.0.1:2222:22",
        "--volume",
        "wrapix-builder-nix:/nix",
        "--mount",
        "type=bind,source=/Users/ada/.config/wrapix/builder/container,target=/etc/wrapix-builder,readonly",
        "img",
      ]
    `)
    expect(appleBuilderCommands(mac).stop()).toEqual(['stop', 'wrapix-builder'])
  })
  it('uses only the builder key and the pinned host key for ssh', () => {
    const argv = builderSshArgv(linux, ['echo', 'ok'], false)
    expect(argv.slice(0, 4)).toEqual(['-F', '/dev/null', '-i', '/home/ada/.config/wrapix/builder/client_ed25519'])
    expect(argv).toContain('StrictHostKeyChecking=yes')
    expect(argv).toContain('UserKnownHostsFile=/home/ada/.config/wrapix/builder/known_hosts')
    expect(argv.slice(-5)).toEqual(['2222', 'builder@127.0.0.1', '--', 'echo', 'ok'])
    expect(builderSshArgv(linux, [], true).slice(-2)).toEqual(['-t', 'builder@127.0.0.1'])
  })
  it('tags the image by its recipe', () => {
    expect(builderImageTag({ baseImage: 'a' })).not.toBe(builderImageTag({ baseImage: 'b' }))
    expect(builderImageTag({ baseImage: 'a' })).toMatch(/^localhost\/wrapix-builder:[0-9a-f]{16}$/)
  })
})
