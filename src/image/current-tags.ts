// The current image tag of every profile visible from a workspace (built-in, user, project): what
// `wrapix image ls` marks as current and what `wrapix image prune` must keep.
import { listProfiles, loadProfile, type ProfileDirs } from '../config/profiles.js'
import type { HostFacts } from '../host/facts.js'
import { imagePlatform } from './ensure.js'
import { imageSpec } from './spec.js'

/** profile name → current tag (null: the profile names its own image). Profiles that fail to load are left out. */
export function currentProfileTags(dirs: ProfileDirs, host: Pick<HostFacts, 'arch'>, env: NodeJS.ProcessEnv): Map<string, string | null> {
  const tags = new Map<string, string | null>()
  for (const { name } of listProfiles(dirs)) {
    try {
      const { profile } = loadProfile(name, dirs)
      tags.set(name, profile.image ? null : imageSpec(name, profile, imagePlatform(profile, host, env)).tag)
    } catch {
      // an invalid profile: its images are kept, since we cannot tell which one is current
    }
  }
  return tags
}
