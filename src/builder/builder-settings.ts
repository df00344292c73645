// Where the builder lives: container name, port, store volume, images, and its private key directory.
import { join } from 'node:path'
import { WrapixError } from '../errors.js'

export type BuilderEngine = 'podman' | 'apple'

export interface BuilderSettings {
  readonly engine: BuilderEngine
  readonly name: string // container name; also the ssh Host alias
  readonly host: '127.0.0.1' // only ever loopback: the builder is not for the network
  readonly port: number
  readonly volume: string // persistent /nix store
  readonly baseImage: string
  readonly stateDir: string // private (0700): client key, host key, known_hosts
}

export const DEFAULT_BUILDER_NAME = 'wrapix-builder'
export const DEFAULT_BUILDER_PORT = 2222
export const DEFAULT_BUILDER_BASE = 'localhost/wrapix-base:bookworm'

export interface BuilderOverrides {
  readonly name?: string
  readonly port?: number | string
  readonly baseImage?: string
}

/** Pure: settings from flags, WRAPIX_BUILDER_* variables and defaults. */
export function resolveBuilderSettings(
  home: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
  over: BuilderOverrides = {},
): BuilderSettings {
  const name = over.name ?? env.WRAPIX_BUILDER_NAME ?? DEFAULT_BUILDER_NAME
  if (!/^[a-z0-9][a-z0-9_.-]{0,62}$/.test(name)) {
    throw new WrapixError('usage', `invalid builder name "${name}"`, 'use lower-case letters, digits, ".", "_" and "-"')
  }
  const rawPort = over.port ?? env.WRAPIX_BUILDER_PORT ?? DEFAULT_BUILDER_PORT
  const port = Number(rawPort)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new WrapixError('usage', `invalid builder port "${rawPort}"`, 'use a port number such as --port 2222')
  }
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config')
  const stateDir = join(configHome, 'wrapix', name === DEFAULT_BUILDER_NAME ? 'builder' : `builder-${name}`)
  return {
    engine: platform === 'darwin' ? 'apple' : 'podman',
    name,
    host: '127.0.0.1',
    port,
    volume: `${name}-nix`,
    baseImage: over.baseImage ?? env.WRAPIX_BUILDER_BASE_IMAGE ?? DEFAULT_BUILDER_BASE,
    stateDir,
  }
}

/** Files in the state directory. `container/` is what the builder mounts: never the client's private key. */
export function builderPaths(settings: BuilderSettings) {
  const dir = settings.stateDir
  return {
    dir,
    clientKey: join(dir, 'client_ed25519'),
    clientPublicKey: join(dir, 'client_ed25519.pub'),
    knownHosts: join(dir, 'known_hosts'),
    record: join(dir, 'builder.json'),
    containerDir: join(dir, 'container'),
    hostKey: join(dir, 'container', 'ssh_host_ed25519_key'),
    hostPublicKey: join(dir, 'container', 'ssh_host_ed25519_key.pub'),
    authorizedKeys: join(dir, 'container', 'authorized_keys'),
  }
}
export type BuilderPaths = ReturnType<typeof builderPaths>
