// Profiles: find a profile by name (project, user, built-in), parse it, and merge its `extends:` chain.
import { createHash } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { WrapixError } from '../errors.js'
import { PACKAGE_ROOT } from '../package-root.js'
import { readOptionalFile, realPathOf } from './load.js'
import { parseYamlWith } from './parse-yaml.js'
import { ProfileSchema, type Profile } from './schema.js'

export const BUILTIN_PROFILES_DIR = join(PACKAGE_ROOT, 'profiles')
const NAME = /^[a-z0-9][a-z0-9_-]*$/

export type ProfileSource = 'project' | 'user' | 'builtin'

/** The name a dev shell's generated profile (nix/dev-shell.nix) is known by. */
export const DEVSHELL_PROFILE = 'devshell'

export interface ProfileDirs {
  readonly project?: string
  readonly user?: string
  readonly builtin: string
  /** A dev shell's generated profile file: it is the profile DEVSHELL_PROFILE, and counts as a project file. */
  readonly devShell?: string
}

export interface ResolvedProfile {
  readonly name: string
  readonly profile: Profile // extends merged, defaults filled in
  readonly chain: readonly { name: string; file: string; realPath: string; source: ProfileSource; text: string }[]
  readonly digest: string // sha256 of the chain's file contents: a changed profile has a new digest
}

export function parseProfile(text: string, file: string): Profile {
  return parseYamlWith(ProfileSchema, text.trim() === '' ? '{}' : text, file, `fix ${file}, then check it with: wrapix profile show`)
}

export function loadProfile(name: string, dirs: ProfileDirs, seen: string[] = []): ResolvedProfile {
  if (!NAME.test(name)) {
    throw new WrapixError('config', `invalid profile name "${name}"`, 'profile names use a-z, 0-9, "-" and "_"; list them with: wrapix profile ls')
  }
  if (seen.includes(name)) {
    throw new WrapixError('config', `profile "${name}" extends itself (${[...seen, name].join(' → ')})`, 'remove the cycle from the extends: fields')
  }
  const found = findProfileFile(name, dirs)
  if (!found) {
    const known = listProfiles(dirs).map((p) => p.name)
    throw new WrapixError('config', `unknown profile "${name}"`, `choose one of: ${known.join(', ')} (or create ~/.config/wrapix/profiles/${name}.yaml)`)
  }
  const own = parseProfile(found.text, found.file)
  const link = { name, file: found.file, realPath: realPathOf(found.file), source: found.source, text: found.text }
  if (!own.extends) return finish(name, own, [link])
  const parent = loadProfile(own.extends, dirs, [...seen, name])
  return finish(name, mergeProfiles(parent.profile, own), [...parent.chain, link])
}

function finish(name: string, profile: Profile, chain: ResolvedProfile['chain']): ResolvedProfile {
  const hash = createHash('sha256')
  for (const link of chain) hash.update(`${link.name}\0${link.text}\0`)
  return { name, profile, chain, digest: `sha256:${hash.digest('hex')}` }
}

/** Child over parent: lists are concatenated (no duplicates), env and maps merged, scalars replaced. */
export function mergeProfiles(parent: Profile, child: Profile): Profile {
  const union = <T>(a: readonly T[], b: readonly T[], key: (x: T) => string = String): T[] => {
    const seen = new Set(b.map(key))
    return [...a.filter((x) => !seen.has(key(x))), ...b]
  }
  return {
    description: child.description || parent.description,
    extends: child.extends,
    image: child.image ?? parent.image,
    baseImage: child.baseImage ?? parent.baseImage,
    packages: { apt: union(parent.packages.apt, child.packages.apt), nix: union(parent.packages.nix, child.packages.nix) },
    agents: { ...parent.agents, ...child.agents },
    env: { ...parent.env, ...child.env },
    mounts: union(parent.mounts, child.mounts, (m) => m.dest),
    writableDirs: union(parent.writableDirs, child.writableDirs),
    network: {
      mode: child.network.mode ?? parent.network.mode,
      allowedDomains: union(parent.network.allowedDomains, child.network.allowedDomains),
      deniedDomains: union(parent.network.deniedDomains, child.network.deniedDomains),
    },
    resources: { ...parent.resources, ...child.resources },
    agentTraffic: { ...parent.agentTraffic, ...child.agentTraffic },
    credentials: { ...parent.credentials, ...child.credentials },
  }
}

function findProfileFile(name: string, dirs: ProfileDirs): { file: string; text: string; source: ProfileSource } | null {
  if (name === DEVSHELL_PROFILE && dirs.devShell) {
    // Written from the project's flake (which the agent can edit): it needs the same approval as a project profile.
    const text = readOptionalFile(dirs.devShell)
    if (text === null) throw new WrapixError('config', `WRAPIX_DEVSHELL_PROFILE names ${dirs.devShell}, which does not exist`, 'leave the dev shell and enter it again (nix develop), or unset WRAPIX_DEVSHELL_PROFILE')
    return { file: dirs.devShell, text, source: 'project' }
  }
  for (const source of ['project', 'user', 'builtin'] as const) {
    const dir = dirs[source]
    if (!dir) continue
    for (const ext of ['yaml', 'yml']) {
      const file = join(dir, `${name}.${ext}`)
      const text = readOptionalFile(file)
      if (text !== null) return { file, text, source }
    }
  }
  return null
}

export function listProfiles(dirs: ProfileDirs): { name: string; source: ProfileSource; file: string }[] {
  const byName = new Map<string, { name: string; source: ProfileSource; file: string }>()
  for (const source of ['builtin', 'user', 'project'] as const) {
    const dir = dirs[source]
    if (!dir) continue
    let entries: string[] = []
    try {
      entries = readdirSync(dir)
    } catch {
      continue
    }
    for (const entry of entries.sort()) {
      const match = /^(.+)\.ya?ml$/.exec(entry)
      if (match && NAME.test(match[1]!)) byName.set(match[1]!, { name: match[1]!, source, file: join(dir, entry) })
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))
}
