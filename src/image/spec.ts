// The image spec: everything that goes into a profile's image, derived purely from the resolved profile and host
// facts, and its content hash, which is the image tag (unchanged profile → same tag; any change → new tag).
import { createHash } from 'node:crypto'
import type { Profile } from '../config/schema.js'
import { agentInstall, nodeRuntimeTarball, type AgentInstall, type ImageAgent, type ImageArch, type NpmTarball } from './agent-sources.js'
import { renderContainerfile } from './containerfile.js'

/** Bump when the meaning of a spec changes in a way the generated Containerfile does not show. */
export const SPEC_VERSION = 1

/** Made by `wrapix image base` (debootstrap, no registry needed); preferred when present. */
export const LOCAL_BASE_IMAGE = 'localhost/wrapix-base:bookworm'
export const REGISTRY_BASE_IMAGE = 'docker.io/library/debian:bookworm-slim'
/** Stands for "Debian bookworm, local or from the registry" in the hash: both give the same tag. */
const DEFAULT_BASE_TOKEN = 'default:debian-bookworm'

export type ImageBuilder = 'containerfile' | 'nix'

/** Host facts the spec depends on, probed by the caller (spec.ts never looks at the host). */
export interface ImagePlatform {
  readonly arch: ImageArch
  /** LOCAL_BASE_IMAGE exists in the container storage. */
  readonly localBaseImage: boolean
  /** `nix-build` is on PATH: profiles that list Nix packages are built with nix/image.nix. */
  readonly nix: boolean
}

/** A file wrapix bakes into the image (e.g. seed config); part of the hash. */
export interface ImageFile {
  readonly path: string // absolute path inside the image
  readonly content: string
  readonly mode: number
}

export interface SpecAgent extends AgentInstall {
  readonly pkg: string
  readonly version: string
  /** The registry's SRI hash; filled in at build time, never part of the tag (npm versions are immutable). */
  readonly integrity?: string
}

export interface ImageSpec {
  readonly profile: string
  readonly tag: string // localhost/wrapix-<profile>:<hash12>
  readonly hash: string // full sha256 hex of the canonical spec
  readonly builder: ImageBuilder
  readonly baseImage: string // what FROM names (containerfile builder)
  readonly aptPackages: readonly string[]
  readonly nixPackages: readonly string[]
  readonly agents: readonly SpecAgent[]
  /** Node for JS agents (Gemini CLI); absent when no agent needs it. */
  readonly nodeRuntime?: NpmTarball
  readonly files: readonly ImageFile[]
  readonly containerfile: string
  readonly labels: Readonly<Record<string, string>>
}

export const IMAGE_LABELS = { managed: 'wrapix.managed', profile: 'wrapix.profile', specHash: 'wrapix.spec-hash' } as const

/** What every profile image needs whatever the profile says: socat is the sandbox's relay to the network proxy. */
export const SANDBOX_APT_PACKAGES: readonly string[] = ['socat']

export function imageSpec(profileName: string, profile: Profile, platform: ImagePlatform, files: readonly ImageFile[] = []): ImageSpec {
  const agents = (Object.entries(profile.agents) as [ImageAgent, string | undefined][])
    .filter((entry): entry is [ImageAgent, string] => typeof entry[1] === 'string' && entry[1] !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, version]): SpecAgent => {
      const install = agentInstall(name, version, platform.arch)
      return { ...install, pkg: install.tarball.pkg, version: install.tarball.version }
    })
  const nodeRuntime = agents.some((a) => a.kind === 'node-script') ? nodeRuntimeTarball(platform.arch) : undefined
  const aptPackages = sortedUnique([...profile.packages.apt, ...SANDBOX_APT_PACKAGES])
  const nixPackages = sortedUnique(profile.packages.nix)
  const builder: ImageBuilder = nixPackages.length > 0 && platform.nix ? 'nix' : 'containerfile'
  const sortedFiles = [...files].sort((a, b) => a.path.localeCompare(b.path))
  const content = { aptPackages, agents, nodeRuntime, files: sortedFiles }

  // The hash sees the *logical* base and the Containerfile as generated for it, so any template change
  // changes the tag by itself, while the local and registry Debian bases share one tag.
  const logicalBase = profile.baseImage ?? DEFAULT_BASE_TOKEN
  const canonical = canonicalJson({
    specVersion: SPEC_VERSION,
    builder,
    base: logicalBase,
    nixPackages: builder === 'nix' ? nixPackages : [],
    ...content,
    agents: agents.map(({ name, pkg, version, entry, kind }) => ({ name, pkg, version, entry, kind })),
    template: builder === 'containerfile' ? renderContainerfile({ ...content, baseImage: logicalBase }) : '',
  })
  const hash = createHash('sha256').update(canonical).digest('hex')
  const baseImage = profile.baseImage ?? (platform.localBaseImage ? LOCAL_BASE_IMAGE : REGISTRY_BASE_IMAGE)
  return {
    profile: profileName,
    tag: imageTag(profileName, hash),
    hash,
    builder,
    baseImage,
    aptPackages,
    nixPackages,
    agents,
    ...(nodeRuntime ? { nodeRuntime } : {}),
    files: sortedFiles,
    containerfile: renderContainerfile({ ...content, baseImage }),
    labels: { [IMAGE_LABELS.managed]: 'true', [IMAGE_LABELS.profile]: profileName, [IMAGE_LABELS.specHash]: hash },
  }
}

export const imageRepository = (profileName: string): string =>
  `localhost/wrapix-${profileName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'profile'}`

export const imageTag = (profileName: string, hash: string): string => `${imageRepository(profileName)}:${hash.slice(0, 12)}`

const sortedUnique = (items: readonly string[]): string[] => [...new Set(items)].sort()

/** JSON with object keys sorted at every level, so equal content always hashes equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}
