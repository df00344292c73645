// ensureImage: the profile's image exists, or is built now (once, even when several wrapix starts race).
// The cache hit is the start-up hot path: a pure spec hash plus one `podman image inspect`.
import { join } from 'node:path'
import type { Profile } from '../config/schema.js'
import { wrapixPaths, type WrapixPaths } from '../config/paths.js'
import type { HostFacts } from '../host/facts.js'
import { linuxBuilderFor, nixImageProblem } from '../host/nix-builds.js'
import { which } from '../host/which.js'
import { WrapixError } from '../errors.js'
import type { ImageArch } from './agent-sources.js'
import { BUILD_ENGINES, type BuildEngine } from './build-argv.js'
import { inspectImageId } from './inspect-image.js'
import { storedImageId } from './stored-image.js'
import { withLock } from './lock.js'
import { imageSpec, LOCAL_BASE_IMAGE, type ImagePlatform, type ImageSpec } from './spec.js'

export type ImageHost = Pick<HostFacts, 'os' | 'arch' | 'appleContainer' | 'user'>

export interface EnsureOptions {
  readonly noCache?: boolean
  readonly onProgress?: (step: string) => void
  readonly paths?: WrapixPaths
  readonly env?: NodeJS.ProcessEnv
  /** npm registry to fetch agents from (default: what npm uses). */
  readonly registry?: string
}

export interface EnsuredImage {
  readonly ref: string
  readonly id: string
  readonly built: boolean
}

export async function ensureImage(profileName: string, profile: Profile, host: ImageHost, opts: EnsureOptions = {}): Promise<EnsuredImage> {
  const engine: BuildEngine = host.os === 'darwin' ? 'apple' : 'podman'
  const program = BUILD_ENGINES[engine].program
  if (profile.image) {
    // A profile that names its image is run as is; podman pulls it if it is not local.
    return { ref: profile.image, id: (await localImageId(profile.image, engine, host, opts)) ?? '', built: false }
  }
  const platform = imagePlatform(profile, host, opts.env ?? process.env)
  if (profile.packages.nix.length > 0) {
    // On macOS the image is Linux: nix-build needs the build machine wrapix-builder provides.
    const facts = { nixBuild: platform.nix ? 'nix-build' : null, flakes: false, linuxBuilder: platform.nix ? linuxBuilderFor(host.os) : null }
    const problem = nixImageProblem(facts, host.os)
    if (problem) {
      throw new WrapixError('host', `profile "${profileName}" lists Nix packages (${profile.packages.nix.join(', ')}) but ${problem.problem}`, problem.hint)
    }
  }
  const spec = imageSpec(profileName, profile, platform)
  if (!opts.noCache) {
    const id = await localImageId(spec.tag, engine, host, opts)
    if (id) return { ref: spec.tag, id, built: false }
  }
  const paths = opts.paths ?? wrapixPaths(opts.env ?? process.env, host.user.home, host.user.uid)
  const lockFile = join(paths.runtimeDir, 'locks', `${spec.tag.replace(/[^A-Za-z0-9._-]/g, '-')}.lock`)
  return withLock(
    lockFile,
    async () => {
      // Whoever held the lock before us may have just built it.
      const existing = opts.noCache ? null : await inspectImageId(spec.tag, program)
      if (existing) return { ref: spec.tag, id: existing, built: false }
      const buildSpec = await withResolvedBase(spec, profileName, profile, platform, engine)
      const { buildImage } = await import('./build-image.js') // not loaded on the cache-hit path
      await buildImage(buildSpec, { paths, engine, noCache: opts.noCache ?? false, onProgress: opts.onProgress, ...(opts.registry ? { registry: opts.registry } : {}) })
      const id = await inspectImageId(spec.tag, program)
      if (!id) throw new WrapixError('internal', `the build of ${spec.tag} finished but the image is not in local storage`, `look at: ${program} images`)
      return { ref: spec.tag, id, built: true }
    },
    { onWait: (pid) => opts.onProgress?.(`waiting for another wrapix (pid ${pid}) building ${spec.tag}`) },
  )
}

/** The cache-hit check: podman's own image list when it names the image (no process), else ask the engine. */
async function localImageId(ref: string, engine: BuildEngine, host: ImageHost, opts: EnsureOptions): Promise<string | null> {
  const stored = engine === 'podman' ? await storedImageId(ref, host.user, opts.env ?? process.env) : null
  return stored ?? (await inspectImageId(ref, BUILD_ENGINES[engine].program))
}

/** Host facts the spec needs, without spawning anything (nix-build is looked up on PATH). */
export function imagePlatform(profile: Profile, host: Pick<HostFacts, 'arch'>, env: NodeJS.ProcessEnv): ImagePlatform {
  return {
    arch: toImageArch(host.arch),
    localBaseImage: false, // does not change the tag; resolved just before building
    nix: profile.packages.nix.length > 0 && which('nix-build', env.PATH ?? '') !== null,
  }
}

export function toImageArch(arch: string): ImageArch {
  if (arch === 'x64' || arch === 'arm64') return arch
  throw new WrapixError('host', `wrapix images support x64 and arm64 hosts, not ${arch}`, 'run wrapix on an x86-64 or ARM64 machine')
}

async function withResolvedBase(spec: ImageSpec, name: string, profile: Profile, platform: ImagePlatform, engine: BuildEngine): Promise<ImageSpec> {
  if (spec.builder !== 'containerfile' || profile.baseImage) return spec
  const local = engine === 'podman' && (await inspectImageId(LOCAL_BASE_IMAGE)) !== null
  const resolved = imageSpec(name, profile, { ...platform, localBaseImage: local })
  if (resolved.tag !== spec.tag) throw new Error(`base image choice changed the tag (${spec.tag} → ${resolved.tag})`)
  return resolved
}
