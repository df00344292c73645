// Queries against podman's local image storage: which wrapix images are there, which containers use them,
// and removing one tag. One podman call each; output parsing is pure. (Whether one image exists is
// inspect-image.ts: the start-up path, which avoids loading execa.)
import { execa } from 'execa'
import { WrapixError } from '../errors.js'
import { IMAGE_LABELS } from './spec.js'

export interface StoredImage {
  readonly id: string
  readonly names: readonly string[]
  readonly labels: Readonly<Record<string, string>>
  readonly sizeBytes: number
  readonly createdAt: Date
}

export interface ContainerUse {
  readonly id: string
  readonly name: string
  readonly imageId: string
  readonly running: boolean
}

export async function listWrapixImages(): Promise<StoredImage[]> {
  const out = await podmanJson(['images', '--filter', `label=${IMAGE_LABELS.managed}=true`, '--format', 'json'])
  return parseImages(out)
}

export async function listContainerUses(): Promise<ContainerUse[]> {
  return parseContainers(await podmanJson(['ps', '--all', '--format', 'json']))
}

/** Untags one reference (`podman rmi` without --force: podman itself refuses while a container uses it). */
export async function removeImageRef(ref: string): Promise<{ ok: boolean; message: string }> {
  const result = await execa('podman', ['rmi', ref], { reject: false, stdin: 'ignore' })
  return { ok: result.exitCode === 0, message: (result.stderr || result.stdout).trim() }
}

export function parseImages(json: unknown): StoredImage[] {
  if (!Array.isArray(json)) return []
  return json.map((raw: Record<string, unknown>) => ({
    id: String(raw.Id ?? raw.ID ?? ''),
    names: Array.isArray(raw.Names) ? raw.Names.map(String) : [],
    labels: (raw.Labels && typeof raw.Labels === 'object' ? raw.Labels : {}) as Record<string, string>,
    sizeBytes: Number(raw.Size ?? 0),
    createdAt: new Date(Number(raw.Created ?? 0) * 1000),
  }))
}

export function parseContainers(json: unknown): ContainerUse[] {
  if (!Array.isArray(json)) return []
  return json.map((raw: Record<string, unknown>) => ({
    id: String(raw.Id ?? ''),
    name: Array.isArray(raw.Names) ? String(raw.Names[0] ?? '') : String(raw.Names ?? ''),
    imageId: String(raw.ImageID ?? ''),
    running: String(raw.State ?? '').toLowerCase() === 'running',
  }))
}

async function podmanJson(argv: string[]): Promise<unknown> {
  const result = await execa('podman', argv, { reject: false, stdin: 'ignore' })
  if (result.exitCode !== 0) {
    throw new WrapixError('host', `podman ${argv.slice(0, 2).join(' ')} failed: ${result.stderr.trim().split('\n').at(-1) ?? ''}`, 'check podman with: wrapix doctor')
  }
  try {
    return JSON.parse(result.stdout || '[]')
  } catch {
    return []
  }
}
