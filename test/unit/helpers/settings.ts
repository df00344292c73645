// Builders for the planner's inputs: resolved settings (every value with a source), profiles, path facts.
import { ProfileSchema, type ProfileFile } from '../../../src/config/schema.js'
import type { ResolvedProfile } from '../../../src/config/profiles.js'
import type { ResolvedSettings, Source, Sourced } from '../../../src/config/settings.js'
import type { MountRequest, PathFact, PathFacts } from '../../../src/sandbox/mounts.js'

export const sourced = <T>(value: T, source: Source = 'default', file?: string): Sourced<T> =>
  file ? { value, source, file } : { value, source }

/** Settings as resolveSettings() returns them: container boundary, no network (so any host user may plan). */
export function aSettings(overrides: Partial<ResolvedSettings> = {}): ResolvedSettings {
  return {
    profile: sourced('base'),
    agent: sourced('claude'),
    boundary: sourced('container', 'flag'),
    minimumBoundary: { value: null, source: 'default' },
    image: sourced<string | null>('localhost/wrapix-base:bookworm', 'flag'),
    cpus: sourced(2),
    memoryMb: sourced(4096),
    pidsLimit: sourced(4096),
    networkMode: sourced('none', 'flag'),
    env: {},
    passEnv: [],
    mounts: [],
    logRetentionDays: sourced(90),
    projectApproved: false,
    trustHostCertificates: sourced(null),
    hostCaBundle: sourced(null),
    credentials: { entries: [], delivery: {} },
    warnings: [],
    ...overrides,
  }
}

/** A resolved profile (no files behind it) from what a user would write. */
export function aProfile(file: ProfileFile = {}, name = 'base'): ResolvedProfile {
  return { name, profile: ProfileSchema.parse(file), chain: [], digest: `sha256:${'0'.repeat(64)}` }
}

export const aMount = (overrides: Partial<MountRequest> & Pick<MountRequest, 'source' | 'dest'>): MountRequest => ({
  mode: 'ro',
  optional: false,
  source_: 'profile',
  explicit: false,
  ...overrides,
})

/** Path facts for existing directories (realPath = path unless mapped), e.g. dirs('/p', ['/link', '/target']). */
export function dirs(...paths: (string | [string, string])[]): PathFacts {
  const facts: Record<string, PathFact> = {}
  for (const entry of paths) {
    const [path, realPath] = typeof entry === 'string' ? [entry, entry] : entry
    facts[path] = { exists: true, realPath, isDir: true, isSymlink: path !== realPath }
  }
  return facts
}

export const aFile = (realPath: string, isSymlink = false): PathFact => ({ exists: true, realPath, isDir: false, isSymlink })
export const aSymlink = (realPath: string): PathFact => ({ exists: true, realPath, isDir: true, isSymlink: true })
