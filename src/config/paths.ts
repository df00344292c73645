// Where wrapix keeps its files on the host (XDG base directories), computed from an env map, never from globals.
import { join } from 'node:path'

export interface WrapixPaths {
  readonly home: string
  readonly userConfigFile: string
  readonly userProfilesDir: string
  readonly stateDir: string
  readonly cacheDir: string
  readonly runtimeDir: string
  /** The profile a `wrapix.lib.mkDevShell` shell generated (WRAPIX_DEVSHELL_PROFILE), when run from one. */
  readonly devShellProfile?: string
}

export function wrapixPaths(env: NodeJS.ProcessEnv, home: string, uid: number): WrapixPaths {
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config')
  const stateHome = env.XDG_STATE_HOME || join(home, '.local', 'state')
  const cacheHome = env.XDG_CACHE_HOME || join(home, '.cache')
  // Per-session bootstrap files live here; /run/user/<uid> is tmpfs and private to the user.
  const runtimeBase = env.XDG_RUNTIME_DIR || (uid === 0 ? '/run' : join('/tmp', `wrapix-${uid}`))
  return {
    home,
    userConfigFile: join(configHome, 'wrapix', 'config.yaml'),
    userProfilesDir: join(configHome, 'wrapix', 'profiles'),
    stateDir: join(stateHome, 'wrapix'),
    cacheDir: join(cacheHome, 'wrapix'),
    runtimeDir: join(runtimeBase, 'wrapix'),
    ...(env.WRAPIX_DEVSHELL_PROFILE ? { devShellProfile: env.WRAPIX_DEVSHELL_PROFILE } : {}),
  }
}

export const projectConfigFile = (workspace: string): string => join(workspace, '.wrapix', 'config.yaml')
export const projectProfilesDir = (workspace: string): string => join(workspace, '.wrapix', 'profiles')
export const projectLogDir = (workspace: string): string => join(workspace, '.wrapix', 'log')
