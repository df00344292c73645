// The Nix builder: profiles that list Nix packages are built by nix/build-image.nix (dockerTools) when
// nix-build is on PATH, then loaded with `podman load`. The argv and the spec file are pure; running needs Nix.
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { execa } from 'execa'
import { WrapixError } from '../errors.js'
import { PACKAGE_ROOT } from '../package-root.js'
import { AGENTS_DIR, IMAGE_HOME, NODE_DIR } from './containerfile.js'
import { NODE_RUNTIME_ENTRY } from './agent-sources.js'
import type { VerifiedTarball } from './npm-fetch.js'
import { runBuild } from './podman-build.js'
import type { ImageSpec } from './spec.js'

/** What nix/build-image.nix reads (builtins.fromJSON). Paths are verified tarballs in wrapix's cache. */
export interface NixImageInput {
  readonly name: string
  readonly tag: string
  readonly packages: readonly string[] // attribute paths in nixpkgs, e.g. "python3Packages.pip"
  readonly agents: readonly { name: string; tarball: string; entry: string; kind: 'binary' | 'node-script' }[]
  readonly node: string | null // tarball of the node runtime, when a JS agent needs it
  readonly nodeEntry: string
  readonly agentsDir: string
  readonly nodeDir: string
  readonly home: string
  readonly files: readonly { path: string; content: string; mode: string }[] // mode in octal, for install -m
  readonly labels: Readonly<Record<string, string>>
}

export function nixImageInput(spec: ImageSpec, agents: ReadonlyMap<string, VerifiedTarball>, node: VerifiedTarball | undefined): NixImageInput {
  const [name, tag] = splitTag(spec.tag)
  return {
    name,
    tag,
    packages: spec.nixPackages,
    agents: spec.agents.map((a) => ({ name: a.name, tarball: agents.get(a.name)?.path ?? '', entry: a.entry, kind: a.kind })),
    node: node?.path ?? null,
    nodeEntry: NODE_RUNTIME_ENTRY,
    agentsDir: AGENTS_DIR,
    nodeDir: NODE_DIR,
    home: IMAGE_HOME,
    files: spec.files.map((f) => ({ path: f.path, content: f.content, mode: f.mode.toString(8) })),
    labels: spec.labels,
  }
}

export const nixBuildArgv = (nixDir: string, specFile: string): string[] => [
  join(nixDir, 'build-image.nix'),
  '--argstr', 'specFile', specFile,
  '--no-out-link',
]

const splitTag = (ref: string): [string, string] => {
  const colon = ref.lastIndexOf(':')
  return [ref.slice(0, colon), ref.slice(colon + 1)]
}

/** The installation's nix/ directory. */
export function nixDir(): string {
  const dir = join(PACKAGE_ROOT, 'nix')
  if (existsSync(join(dir, 'build-image.nix'))) return dir
  throw new WrapixError('internal', 'nix/build-image.nix is missing from the wrapix installation', 'reinstall wrapix')
}

export async function buildWithNix(
  spec: ImageSpec,
  ctx: { agents: ReadonlyMap<string, VerifiedTarball>; node: VerifiedTarball | undefined; logFile: string; cacheDir: string; onProgress: (s: string) => void },
): Promise<void> {
  const specFile = join(ctx.cacheDir, 'nix', `${spec.hash.slice(0, 12)}.json`)
  await mkdir(dirname(specFile), { recursive: true })
  await writeFile(specFile, JSON.stringify(nixImageInput(spec, ctx.agents, ctx.node), null, 2))
  ctx.onProgress(`nix-build ${spec.tag}`)
  try {
    await runBuild(nixBuildArgv(nixDir(), specFile), `image ${spec.tag} with Nix`, {
      logFile: ctx.logFile,
      program: 'nix-build',
    })
    const out = (await readFile(ctx.logFile, 'utf8')).trim().split('\n').filter((l) => l.startsWith('/nix/store/')).at(-1)
    if (!out) throw new WrapixError('internal', `nix-build printed no image path for ${spec.tag}`, `full log: ${ctx.logFile}`)
    ctx.onProgress(`podman load ${out}`)
    const loaded = await execa('podman', ['load', '--input', out], { reject: false, stdin: 'ignore' })
    if (loaded.exitCode !== 0) throw new WrapixError('internal', `podman load failed for ${spec.tag}: ${loaded.stderr.trim().split('\n').at(-1)}`, `the image is at ${out}`)
  } finally {
    await rm(specFile, { force: true })
  }
}
