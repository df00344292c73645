// Which wrapix images `wrapix image prune` may remove (pure): only wrapix-built images (label and name), never
// the current tag of any profile, never an image a container (running or stopped) uses, never anything else.
// An image of a profile that cannot be resolved from here (another project's profile) is kept: it may be current there.
import type { ContainerUse, StoredImage } from './image-store.js'
import { IMAGE_LABELS } from './spec.js'

export interface PruneDecision {
  readonly ref: string
  readonly imageId: string
  readonly action: 'remove' | 'keep'
  readonly reason: string
}

const isWrapixRef = (ref: string): boolean => /^localhost\/wrapix-[a-z0-9-]+:[0-9a-f]{12}$/.test(ref)

/** `current`: profile name → its current tag, or null when the profile builds no image (it names one with `image:`). */
export function planPrune(
  images: readonly StoredImage[],
  containers: readonly ContainerUse[],
  current: ReadonlyMap<string, string | null>,
): PruneDecision[] {
  const currentTags = new Set([...current.values()].filter((t): t is string => t !== null))
  const decisions: PruneDecision[] = []
  for (const image of images) {
    if (image.labels[IMAGE_LABELS.managed] !== 'true') continue // not ours: never listed, never touched
    const users = imageUsers(image, containers)
    for (const ref of image.names) {
      if (!isWrapixRef(ref)) continue
      const decide = (action: PruneDecision['action'], reason: string): void => {
        decisions.push({ ref, imageId: image.id, action, reason })
      }
      const profile = image.labels[IMAGE_LABELS.profile] ?? ''
      if (currentTags.has(ref)) decide('keep', 'current image of its profile')
      else if (!current.has(profile)) decide('keep', `profile "${profile}" is not known here`)
      else if (users.length > 0) decide('keep', `in use by ${users.join(', ')}`)
      else decide('remove', 'stale')
    }
  }
  return decisions
}

/** Names (or short ids) of the containers, running or stopped, made from this image. */
export const imageUsers = (image: Pick<StoredImage, 'id'>, containers: readonly ContainerUse[]): string[] =>
  containers.filter((c) => sameImage(c.imageId, image.id)).map((c) => c.name || c.id.slice(0, 12))

/** podman prints ids with or without "sha256:" and sometimes shortened. */
function sameImage(a: string, b: string): boolean {
  const x = a.replace(/^sha256:/, '')
  const y = b.replace(/^sha256:/, '')
  return x.length > 0 && y.length > 0 && (x.startsWith(y) || y.startsWith(x))
}
