// Invoked as root: can the sandbox get a user namespace of its own? podman's `--userns=auto` takes each
// session's ids from the `containers` entries in /etc/subuid and /etc/subgid, and every bind is id-mapped so
// that the sandbox's root still reads and writes as host root there (files it creates stay yours).
// The decision is pure (rootUsernsSupport); probeRootUserns() gathers its inputs at the edge.
import { readFileSync, statfsSync } from 'node:fs'
import { release } from 'node:os'
import { dirname } from 'node:path'
import type { RootUserns, SubIdRange } from './facts.js'

/** Ids each sandbox gets: the image's files include ids up to 65534 (nobody). */
export const USERNS_SIZE = 65536
/** The user podman's `--userns=auto` allocates from (containers-storage's default). */
export const AUTO_USERNS_USER = 'containers'

// statfs f_type → the filesystem's name and the first kernel whose filesystem has id-mapped mounts.
const IDMAP_FILESYSTEMS: Readonly<Record<number, readonly [string, number, number]>> = {
  0xef53: ['ext4', 5, 12],
  0x58465342: ['xfs', 5, 12],
  0x9123683e: ['btrfs', 5, 15],
  0x794c7630: ['overlay', 5, 19],
  0x01021994: ['tmpfs', 6, 3],
}

export interface SubIdEntry {
  readonly owner: string
  readonly range: SubIdRange
}

export function parseSubIdEntries(text: string): SubIdEntry[] {
  const entries: SubIdEntry[] = []
  for (const line of text.split('\n')) {
    const [owner, start, count] = line.trim().split(':')
    const range = { start: Number(start), count: Number(count) }
    if (owner && Number.isSafeInteger(range.start) && Number.isSafeInteger(range.count) && range.count > 0) entries.push({ owner, range })
  }
  return entries
}

const overlaps = (a: SubIdRange, b: SubIdRange): boolean => a.start < b.start + b.count && b.start < a.start + a.count

export interface RootUsernsInputs {
  /** `uname -r`, e.g. "6.1.0-18-amd64". */
  readonly kernel: string
  readonly subuid: readonly SubIdEntry[] | null // null: the file is missing
  readonly subgid: readonly SubIdEntry[] | null
  /** Each path the session binds (or its nearest existing parent) with its statfs type; null when unknown. */
  readonly filesystems: readonly { readonly path: string; readonly type: number | null }[]
}

const kernelAtLeast = (kernel: string, major: number, minor: number): boolean => {
  const m = /^(\d+)\.(\d+)/.exec(kernel)
  if (!m) return false
  const [have, haveMinor] = [Number(m[1]), Number(m[2])]
  return have > major || (have === major && haveMinor >= minor)
}

export function rootUsernsSupport(inputs: RootUsernsInputs): RootUserns {
  const no = (reason: string): RootUserns => ({ usable: false, reason })
  for (const [file, entries] of [['/etc/subuid', inputs.subuid], ['/etc/subgid', inputs.subgid]] as const) {
    const own = entries?.filter((e) => e.owner === AUTO_USERNS_USER) ?? []
    const total = own.reduce((sum, e) => sum + e.range.count, 0)
    if (total < USERNS_SIZE) return no(`${file} has no range of ${USERNS_SIZE} ids for "${AUTO_USERNS_USER}" (podman --userns=auto takes each sandbox's ids from it)`)
    // Another user's subordinate ids in the same range would let their rootless containers share ours.
    for (const mine of own) {
      const other = entries?.find((e) => e.owner !== AUTO_USERNS_USER && overlaps(e.range, mine.range))
      if (other) return no(`${file}: the "${AUTO_USERNS_USER}" range ${mine.range.start}+${mine.range.count} overlaps ${other.owner}'s ${other.range.start}+${other.range.count}`)
    }
  }
  for (const { path, type } of inputs.filesystems) {
    const fs = type === null ? undefined : IDMAP_FILESYSTEMS[type]
    if (!fs) return no(`${path} is on a filesystem (${type === null ? 'unknown' : `type 0x${type.toString(16)}`}) without id-mapped mounts`)
    const [name, major, minor] = fs
    if (!kernelAtLeast(inputs.kernel, major, minor)) return no(`${path} is on ${name}, which has id-mapped mounts from Linux ${major}.${minor} (this is ${inputs.kernel})`)
  }
  return { usable: true, reason: null }
}

function readEntries(file: string): SubIdEntry[] | null {
  try {
    return parseSubIdEntries(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

/** The filesystem type of `path`, or of its nearest existing parent (session dirs are made later). */
function fsTypeOf(path: string): number | null {
  for (let p = path; ; p = dirname(p)) {
    try {
      return statfsSync(p).type
    } catch {
      if (p === dirname(p)) return null
    }
  }
}

/** Reads what rootUsernsSupport() needs for the paths a session binds. */
export function probeRootUserns(paths: readonly string[]): RootUserns {
  return rootUsernsSupport({
    kernel: release(),
    subuid: readEntries('/etc/subuid'),
    subgid: readEntries('/etc/subgid'),
    filesystems: [...new Set(paths)].map((path) => ({ path, type: fsTypeOf(path) })),
  })
}

/** The host paths every root session may bind besides its own mounts: the project, session dirs, keys. */
export const rootSessionPaths = (workspace: string, paths: { readonly runtimeDir: string; readonly stateDir: string }, keysDir: string): string[] =>
  [workspace, paths.runtimeDir, paths.stateDir, keysDir]
