// `wrapix image ls`: every wrapix image tag with its profile, size, the containers that use it and whether it is
// its profile's current tag. imageRows joins the facts (pure); listImages asks podman for them.
import type { ProfileDirs } from '../config/profiles.js'
import type { HostFacts } from '../host/facts.js'
import { currentProfileTags } from './current-tags.js'
import { listContainerUses, listWrapixImages, type ContainerUse, type StoredImage } from './image-store.js'
import { imageUsers } from './prune.js'
import { IMAGE_LABELS } from './spec.js'

export interface ImageRow {
  readonly profile: string
  readonly ref: string
  readonly id: string
  readonly sizeBytes: number
  readonly createdAt: string
  readonly inUseBy: string[]
  readonly current: boolean
}

/** One row per tag (an untagged image gets one `<untagged>` row). `current`: as from currentProfileTags. */
export function imageRows(
  images: readonly StoredImage[],
  containers: readonly ContainerUse[],
  current: ReadonlyMap<string, string | null>,
): ImageRow[] {
  const currentTags = new Set(current.values())
  return images.flatMap((img) =>
    (img.names.length > 0 ? img.names : ['<untagged>']).map((ref) => ({
      profile: img.labels[IMAGE_LABELS.profile] ?? '?',
      ref,
      id: img.id.slice(0, 12),
      sizeBytes: img.sizeBytes,
      createdAt: img.createdAt.toISOString(),
      inUseBy: imageUsers(img, containers),
      current: currentTags.has(ref),
    })),
  )
}

export async function listImages(args: { dirs: ProfileDirs; host: Pick<HostFacts, 'arch'>; env: NodeJS.ProcessEnv }): Promise<ImageRow[]> {
  const [images, containers] = await Promise.all([listWrapixImages(), listContainerUses()])
  return imageRows(images, containers, currentProfileTags(args.dirs, args.host, args.env))
}
