// Loading what a run in a workspace uses: the user and project config files, and the profile with
// project profiles admitted only once approved (the same gate as the project config, see approval.ts).
import { WrapixError } from '../errors.js'
import { isApproved } from './approval.js'
import { loadConfigFile } from './load.js'
import { projectConfigFile, projectProfilesDir, type WrapixPaths } from './paths.js'
import { BUILTIN_PROFILES_DIR, loadProfile, type ResolvedProfile } from './profiles.js'
import type { ConfigLayers } from './resolve.js'

/** Loads the user and project config files for a workspace. */
export function loadLayers(paths: WrapixPaths, workspace: string): ConfigLayers {
  return { user: loadConfigFile(paths.userConfigFile), project: loadConfigFile(projectConfigFile(workspace)) }
}

/** Project profiles live in the agent-writable workspace: they are used only once approved on the host. */
export function loadProfileFor(name: string, paths: WrapixPaths, workspace: string, layers: ConfigLayers): ResolvedProfile {
  const profile = loadProfile(name, {
    project: projectProfilesDir(workspace),
    user: paths.userProfilesDir,
    builtin: BUILTIN_PROFILES_DIR,
    ...(paths.devShellProfile ? { devShell: paths.devShellProfile } : {}),
  })
  for (const link of profile.chain) {
    if (link.source === 'project' && !isApproved(layers.user?.value, link)) {
      throw new WrapixError('policy', `project profile ${link.file} is not approved`, `review it, then approve it on the host with: wrapix policy approve ${link.file}`)
    }
  }
  return profile
}
