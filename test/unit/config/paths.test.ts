import { describe, expect, it } from 'vitest'
import { projectConfigFile, wrapixPaths } from '../../../src/config/paths.js'

describe('wrapixPaths', () => {
  it('follows the XDG variables', () => {
    const paths = wrapixPaths({ XDG_CONFIG_HOME: '/x/config', XDG_STATE_HOME: '/x/state', XDG_CACHE_HOME: '/x/cache', XDG_RUNTIME_DIR: '/run/user/1000' }, '/home/ada', 1000)
    expect(paths).toEqual({
      home: '/home/ada',
      userConfigFile: '/x/config/wrapix/config.yaml',
      userProfilesDir: '/x/config/wrapix/profiles',
      stateDir: '/x/state/wrapix',
      cacheDir: '/x/cache/wrapix',
      runtimeDir: '/run/user/1000/wrapix',
    })
  })

  it('falls back to the XDG defaults under the home directory', () => {
    const paths = wrapixPaths({ XDG_CONFIG_HOME: '' }, '/home/ada', 1000)
    expect(paths.userConfigFile).toBe('/home/ada/.config/wrapix/config.yaml')
    expect(paths.stateDir).toBe('/home/ada/.local/state/wrapix')
    expect(paths.cacheDir).toBe('/home/ada/.cache/wrapix')
  })

  it('keeps session files in a per-user directory without XDG_RUNTIME_DIR', () => {
    expect(wrapixPaths({}, '/home/ada', 1000).runtimeDir).toBe('/tmp/wrapix-1000/wrapix')
    expect(wrapixPaths({}, '/root', 0).runtimeDir).toBe('/run/wrapix')
  })

  it('puts the project config in .wrapix', () => {
    expect(projectConfigFile('/p')).toBe('/p/.wrapix/config.yaml')
  })
})
