// Exact argv for the builder container under podman (Linux) and Apple `container` (macOS). Pure.
import { CONTAINER_KEYS_DIR } from './builder-image.js'
import type { BuilderSettings } from './builder-settings.js'
import { builderPaths } from './builder-settings.js'

export const BUILDER_LABEL = 'io.wrapix.builder'

export interface BuilderCommands {
  readonly binary: string
  readonly build: (tag: string, contextDir: string) => string[]
  readonly imageExists: (tag: string) => string[]
  readonly run: (tag: string) => string[]
  readonly state: () => string[] // prints the container state, fails when there is no container
  readonly stop: () => string[]
  readonly remove: () => string[]
  readonly exec: (command: readonly string[]) => string[]
}

export function podmanBuilderCommands(s: BuilderSettings): BuilderCommands {
  const paths = builderPaths(s)
  return {
    binary: 'podman',
    build: (tag, dir) => ['build', '--quiet', '--tag', tag, '--file', `${dir}/Containerfile`, dir],
    imageExists: (tag) => ['image', 'exists', tag],
    run: (tag) => [
      'run', '--detach', '--name', s.name, '--hostname', s.name,
      '--label', `${BUILDER_LABEL}=${s.name}`,
      '--init', // reaps nix-daemon's children
      '--publish', `${s.host}:${s.port}:22`,
      '--mount', `type=volume,src=${s.volume},dst=/nix`,
      '--mount', `type=bind,src=${paths.containerDir},dst=${CONTAINER_KEYS_DIR},ro`,
      tag,
    ],
    state: () => ['container', 'inspect', '--format', '{{.State.Status}}', s.name],
    stop: () => ['stop', '--time', '5', s.name],
    remove: () => ['rm', '--force', '--ignore', s.name],
    exec: (command) => ['exec', s.name, ...command],
  }
}

/** Apple's `container` CLI (macOS 26+): each container is a lightweight VM. Tested as argv only. */
export function appleBuilderCommands(s: BuilderSettings): BuilderCommands {
  const paths = builderPaths(s)
  return {
    binary: 'container',
    build: (tag, dir) => ['build', '--tag', tag, '--file', `${dir}/Containerfile`, dir],
    imageExists: (tag) => ['image', 'inspect', tag],
    run: (tag) => [
      'run', '--detach', '--name', s.name,
      '--label', `${BUILDER_LABEL}=${s.name}`,
      '--publish', `${s.host}:${s.port}:22`,
      '--volume', `${s.volume}:/nix`,
      '--mount', `type=bind,source=${paths.containerDir},target=${CONTAINER_KEYS_DIR},readonly`,
      tag,
    ],
    state: () => ['inspect', s.name],
    stop: () => ['stop', s.name],
    remove: () => ['delete', '--force', s.name],
    exec: (command) => ['exec', s.name, ...command],
  }
}

export const builderCommands = (s: BuilderSettings): BuilderCommands =>
  s.engine === 'apple' ? appleBuilderCommands(s) : podmanBuilderCommands(s)

/** `ssh` argv for an interactive or one-shot session: only the builder key, only the pinned host key. */
export function builderSshArgv(s: BuilderSettings, command: readonly string[], tty: boolean): string[] {
  const paths = builderPaths(s)
  return [
    '-F', '/dev/null',
    '-i', paths.clientKey,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'IdentityAgent=none',
    '-o', `UserKnownHostsFile=${paths.knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'LogLevel=ERROR',
    '-p', String(s.port),
    ...(tty ? ['-t'] : []),
    `builder@${s.host}`,
    ...(command.length > 0 ? ['--', ...command] : []),
  ]
}
