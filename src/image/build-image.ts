// Builds one image spec: fetch and verify the agent tarballs, then run the spec's builder (podman build,
// Apple `container build`, or nix-build + podman load). Progress goes to a callback, output to a log file.
import { join } from 'node:path'
import type { WrapixPaths } from '../config/paths.js'
import { BUILD_ENGINES, imageBuildArgv, type BuildEngine } from './build-argv.js'
import { prepareBuildContext } from './build-context.js'
import { buildWithNix } from './nix-build.js'
import { fetchVerifiedTarball, resolveNpmRegistry, type VerifiedTarball } from './npm-fetch.js'
import { buildLogFile, runBuild } from './podman-build.js'
import type { ImageSpec } from './spec.js'

export interface BuildImageOptions {
  readonly paths: Pick<WrapixPaths, 'cacheDir' | 'stateDir'>
  readonly engine: BuildEngine
  readonly noCache?: boolean
  readonly onProgress?: (step: string) => void
  readonly registry?: string
}

export async function buildImage(spec: ImageSpec, opts: BuildImageOptions): Promise<void> {
  const progress = opts.onProgress ?? (() => {})
  const logFile = buildLogFile(opts.paths.stateDir, spec.tag)
  const registry = opts.registry ?? (await resolveNpmRegistry())
  const fetchOne = (what: string, ref: { pkg: string; version: string }): Promise<VerifiedTarball> => {
    progress(`fetching ${what} (${ref.pkg}@${ref.version})`)
    return fetchVerifiedTarball(ref, { registry, cacheDir: opts.paths.cacheDir })
  }
  const agents = new Map<string, VerifiedTarball>()
  for (const agent of spec.agents) agents.set(agent.name, await fetchOne(agent.name, agent))
  const node = spec.nodeRuntime ? await fetchOne('node', spec.nodeRuntime) : undefined

  if (spec.builder === 'nix') {
    await buildWithNix(spec, { agents, node, logFile, cacheDir: opts.paths.cacheDir, onProgress: progress })
    return
  }
  const context = await prepareBuildContext(spec, { agents, node }, join(opts.paths.cacheDir, 'build'))
  try {
    const request = { tag: spec.tag, containerfile: context.containerfile, context: context.dir, labels: spec.labels, noCache: opts.noCache ?? false }
    progress(`building ${spec.tag}`)
    await runBuild(imageBuildArgv(opts.engine, request), `image ${spec.tag}`, {
      logFile,
      program: BUILD_ENGINES[opts.engine].program,
      onStep: (s) => progress(`step ${s.step}/${s.total}: ${s.text}`),
    })
  } finally {
    await context.dispose()
  }
}
