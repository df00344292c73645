// Whether this host can build Nix profile images: nix-build on PATH and, on macOS, a Linux build machine
// (what `wrapix-builder setup` writes to /etc/nix/machines). Flakes matter only for `nix develop` shells.
import { execa } from 'execa'
import { readOptionalFile } from '../config/load.js'
import { which } from './which.js'

export const NIX_MACHINES_FILE = '/etc/nix/machines'

export interface NixFacts {
  readonly nixBuild: string | null
  /** `nix` has the flakes feature on (`nix develop`, `nix flake init`). */
  readonly flakes: boolean
  /** A build machine for *-linux in the machines file; null when not needed (Linux hosts). */
  readonly linuxBuilder: boolean | null
}

/** Pure: some line of a Nix machines file builds for Linux (second field: comma-separated systems). */
export function hasLinuxBuilder(machines: string | null): boolean {
  return (machines ?? '').split('\n').some((line) => {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/)
    return (fields[1] ?? '').split(',').some((system) => system.endsWith('-linux'))
  })
}

/** Pure: why Nix images cannot be built here, and the fix; null when they can. */
export function nixImageProblem(facts: NixFacts, os: NodeJS.Platform): { problem: string; hint: string } | null {
  const builderHint = 'wrapix-builder start && sudo wrapix-builder setup (a Linux build machine in a container)'
  if (!facts.nixBuild) return { problem: 'nix-build is not on PATH', hint: os === 'darwin' ? `install Nix, then: ${builderHint}` : 'install Nix (nixos.org/download)' }
  if (os === 'darwin' && !facts.linuxBuilder) return { problem: `no Linux build machine in ${NIX_MACHINES_FILE}`, hint: builderHint }
  return null
}

export function linuxBuilderFor(os: NodeJS.Platform): boolean | null {
  return os === 'linux' ? null : hasLinuxBuilder(readOptionalFile(NIX_MACHINES_FILE))
}

export async function probeNix(env: NodeJS.ProcessEnv, os: NodeJS.Platform): Promise<NixFacts> {
  const nixBuild = which('nix-build', env.PATH ?? '')
  // `nix config show` is Nix >= 2.19; `nix show-config` is the older spelling.
  let flakes = false
  for (const argv of [['config', 'show', 'experimental-features'], ['show-config']]) {
    const r = await execa('nix', argv, { reject: false, stdin: 'ignore', env, extendEnv: false })
    if (r.exitCode !== 0) continue
    flakes = /\bflakes\b/.test(String(r.stdout).split('\n').find((l) => !l.includes('=') || l.startsWith('experimental-features')) ?? '')
    break
  }
  return { nixBuild, flakes, linuxBuilder: linuxBuilderFor(os) }
}
