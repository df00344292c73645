// Lays out a build context directory for a spec: the Containerfile, the verified agent tarballs (hard-linked
// from the cache when possible, so 175 MB is not copied), and baked-in files with their modes.
import { chmod, copyFile, link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { contextPaths } from './containerfile.js'
import type { VerifiedTarball } from './npm-fetch.js'
import type { ImageSpec } from './spec.js'

export interface BuildContext {
  readonly dir: string
  readonly containerfile: string
  dispose(): Promise<void>
}

export async function prepareBuildContext(
  spec: ImageSpec,
  tarballs: { readonly agents: ReadonlyMap<string, VerifiedTarball>; readonly node?: VerifiedTarball | undefined },
  parentDir: string,
): Promise<BuildContext> {
  await mkdir(parentDir, { recursive: true })
  const dir = await mkdtemp(join(parentDir, `build-${spec.hash.slice(0, 12)}-`))
  const place = async (from: string, rel: string): Promise<void> => {
    const to = join(dir, rel)
    await mkdir(dirname(to), { recursive: true })
    await link(from, to).catch(() => copyFile(from, to)) // another file system: copy
  }
  try {
    for (const agent of spec.agents) {
      const tarball = tarballs.agents.get(agent.name)
      if (!tarball) throw new Error(`no verified tarball for ${agent.name}`)
      await place(tarball.path, contextPaths.agentTarball(agent.name))
    }
    if (spec.nodeRuntime) {
      if (!tarballs.node) throw new Error('no verified node runtime tarball')
      await place(tarballs.node.path, contextPaths.nodeTarball)
    }
    for (const file of spec.files) {
      const to = join(dir, contextPaths.filesDir, file.path)
      await mkdir(dirname(to), { recursive: true })
      await writeFile(to, file.content)
      await chmod(to, file.mode) // COPY keeps the mode from the context
    }
    const containerfile = join(dir, contextPaths.containerfile)
    await writeFile(containerfile, spec.containerfile)
    return { dir, containerfile, dispose: () => rm(dir, { recursive: true, force: true }) }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}
