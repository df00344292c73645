// `wrapix image base`: a Debian bookworm base image made locally with debootstrap from the apt mirror and
// imported into podman, for machines that reach no container registry. Profile images then build FROM it.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import type { WrapixPaths } from '../config/paths.js'
import { WrapixError } from '../errors.js'
import { buildLogFile, runBuild } from './podman-build.js'
import { LOCAL_BASE_IMAGE } from './spec.js'

export const BASE_SUITE = 'bookworm'
export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian'
/** Same set as test/setup-host.sh, so both make the same image. */
export const BASE_INCLUDE = ['ca-certificates', 'curl', 'git', 'openssh-client', 'iproute2', 'procps', 'python3-minimal'] as const

export const debootstrapArgv = (rootDir: string, mirror: string): string[] => [
  '--variant=minbase',
  `--include=${BASE_INCLUDE.join(',')}`,
  BASE_SUITE,
  rootDir,
  mirror,
]

export const importArgv = (tag: string): string[] => [
  'import',
  '--change', 'CMD ["/bin/bash"]',
  '--change', `LABEL wrapix.base=${BASE_SUITE}`,
  '-', // the rootfs tar arrives on stdin
  tag,
]

export interface BaseOptions {
  readonly mirror?: string
  /** The rootfs is assembled under <cacheDir>/base; the log goes where every build log goes. */
  readonly paths: Pick<WrapixPaths, 'cacheDir' | 'stateDir'>
  readonly onProgress?: (step: string) => void
  readonly uid?: number
}

export async function buildBaseImage(opts: BaseOptions): Promise<{ ref: string }> {
  if ((opts.uid ?? process.getuid?.() ?? 0) !== 0) {
    throw new WrapixError('host', 'wrapix image base needs root (debootstrap creates device nodes and chroots)', 'run it as root: sudo wrapix image base')
  }
  const progress = opts.onProgress ?? (() => {})
  const mirror = opts.mirror ?? DEFAULT_DEBIAN_MIRROR
  const workDir = join(opts.paths.cacheDir, 'base')
  await mkdir(workDir, { recursive: true })
  const root = await mkdtemp(join(workDir, 'rootfs-'))
  try {
    progress(`debootstrap ${BASE_SUITE} from ${mirror}`)
    await runBuild(debootstrapArgv(root, mirror), `the ${BASE_SUITE} root file system`, {
      logFile: buildLogFile(opts.paths.stateDir, LOCAL_BASE_IMAGE),
      program: 'debootstrap',
    })
    // Package caches and logs would only make the image bigger.
    await execa('sh', ['-c', 'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/var/log/*.log "$1"/debootstrap', 'sh', root])
    progress(`podman import ${LOCAL_BASE_IMAGE}`)
    const result = await execa('tar', ['-C', root, '-c', '.'], { buffer: false }).pipe('podman', importArgv(LOCAL_BASE_IMAGE), { reject: false })
    if (result.exitCode !== 0) throw new WrapixError('internal', `podman import failed: ${result.stderr.trim().split('\n').at(-1)}`, 'check podman with: wrapix doctor')
    return { ref: LOCAL_BASE_IMAGE }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}
