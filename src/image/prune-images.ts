// `wrapix image prune`: list wrapix images and containers, decide (planPrune, pure), remove the stale ones.
import type { ProfileDirs } from '../config/profiles.js'
import type { HostFacts } from '../host/facts.js'
import { currentProfileTags } from './current-tags.js'
import { listContainerUses, listWrapixImages, removeImageRef } from './image-store.js'
import { planPrune, type PruneDecision } from './prune.js'

export interface PruneOutcome extends PruneDecision {
  /** For 'remove' decisions: whether podman removed it (it refuses if a container started meanwhile). */
  readonly removed: boolean
  readonly error?: string
}

export async function pruneImages(args: {
  dirs: ProfileDirs
  host: Pick<HostFacts, 'arch'>
  env: NodeJS.ProcessEnv
  dryRun?: boolean
}): Promise<PruneOutcome[]> {
  const [images, containers] = await Promise.all([listWrapixImages(), listContainerUses()])
  const decisions = planPrune(images, containers, currentProfileTags(args.dirs, args.host, args.env))
  const outcomes: PruneOutcome[] = []
  for (const d of decisions) {
    if (d.action === 'keep' || args.dryRun) {
      outcomes.push({ ...d, removed: false })
      continue
    }
    const result = await removeImageRef(d.ref)
    outcomes.push(result.ok ? { ...d, removed: true } : { ...d, removed: false, error: result.message.split('\n').at(-1) ?? '' })
  }
  return outcomes
}
