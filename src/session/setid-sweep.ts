// Setuid/setgid files the sandbox leaves in the project: recorded before the session, cleared after it.
// The project is a host directory; a setuid file the agent writes there is setuid to the sandbox's host
// user (root, when wrapix runs as root) for every local user who can reach it. Once the sandbox has exited
// nothing races, but each file is still pinned by an O_NOFOLLOW descriptor, checked, and changed through
// that descriptor only — a link is never followed, in the walk or at the end.
import { constants } from 'node:fs'
import { chmod, lstat, open, type FileHandle } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { execa } from 'execa'
import { within } from '../sandbox/mounts.js'
import type { SandboxPlan } from '../sandbox/plan.js'

const SETID = 0o6000

/** One setuid/setgid regular file: enough to tell whether it is still the very same, untouched file. */
export interface SetidFile {
  /** Relative to the project. */
  readonly path: string
  readonly dev: bigint
  readonly ino: bigint
  readonly mode: number
  readonly ctimeNs: bigint
}

export interface SetidScan {
  readonly files: readonly SetidFile[]
  /** What the walk could not read (a directory it may not enter): a file there went unseen. */
  readonly unsearched: readonly string[]
}

export interface SetidBaseline {
  readonly scan: SetidScan
  /** ctime (ns) from which on a change may be the sandbox's: the baseline may run while the sandbox starts. */
  readonly sinceNs: bigint
}

export interface SetidSweep {
  readonly cleared: readonly { path: string; mode: string }[]
  readonly failed: readonly { path: string; error: string }[]
  readonly unsearched: readonly string[]
}

// The kernel stamps ctime from a coarse clock (one tick, ≤10 ms, behind): a second of margin is ample.
// A file the user changed in the last second before the session is swept too — the safe side.
const CLOCK_MARGIN_NS = 1_000_000_000n

/**
 * The regular setuid/setgid files under `root`, on its filesystem only, links not followed.
 * `find` (GNU and BSD alike) lists candidates; each is then lstat'ed here for its identity.
 */
export async function scanSetidFiles(root: string): Promise<SetidScan> {
  const r = await execa('find', ['-P', root, '-xdev', '-type', 'f', '(', '-perm', '-4000', '-o', '-perm', '-2000', ')', '-print0'], {
    reject: false,
    stripFinalNewline: false,
    env: { LC_ALL: 'C' },
  })
  if (r.failed && r.exitCode === undefined) return { files: [], unsearched: [`${root} (find did not run: ${r.shortMessage})`] }
  const files: SetidFile[] = []
  for (const path of r.stdout.split('\0').filter(Boolean)) {
    const info = await lstat(path, { bigint: true }).catch(() => null)
    if (!info?.isFile() || (Number(info.mode) & SETID) === 0) continue
    files.push({ path: relative(root, path), dev: info.dev, ino: info.ino, mode: Number(info.mode), ctimeNs: info.ctimeNs })
  }
  const unsearched = r.exitCode === 0 ? [] : r.stderr.split('\n').filter(Boolean).map((line) => line.replace(/^find: /, ''))
  return { files, unsearched }
}

/** The project's setid files before the session. Start it before the sandbox; it may finish while it starts. */
export async function setidBaseline(root: string): Promise<SetidBaseline> {
  const sinceNs = BigInt(Date.now()) * 1_000_000n - CLOCK_MARGIN_NS
  return { scan: await scanSetidFiles(root), sinceNs }
}

const key = (f: SetidFile): string => `${f.path}\0${f.dev}\0${f.ino}\0${f.mode}\0${f.ctimeNs}`

/** Files to clear: any setid file not in the baseline unchanged (same path, dev, ino, mode and ctime, older than the session). */
export function setidFilesToClear(baseline: SetidBaseline, after: SetidScan): SetidFile[] {
  const kept = new Set(baseline.scan.files.filter((f) => f.ctimeNs < baseline.sinceNs).map(key))
  return after.files.filter((f) => !kept.has(key(f)))
}

/** After the sandbox has exited: clears S_ISUID/S_ISGID on every setid file it may have left. */
export async function sweepSetidFiles(root: string, baseline: SetidBaseline): Promise<SetidSweep> {
  const after = await scanSetidFiles(root)
  const cleared: { path: string; mode: string }[] = []
  const failed: { path: string; error: string }[] = []
  for (const file of setidFilesToClear(baseline, after)) {
    try {
      await clearSetid(join(root, file.path), file)
      cleared.push({ path: file.path, mode: octal(file.mode) })
    } catch (err) {
      failed.push({ path: file.path, error: (err as Error).message })
    }
  }
  return { cleared, failed, unsearched: [...after.unsearched] }
}

/**
 * Every host folder the sandbox could write a file into: the project, and each read-write bind of a host path
 * outside it (a profile's package cache, a -v) — but not the session's own folder, which is removed after.
 */
export function setidSweepRoots(plan: Pick<SandboxPlan, 'workspace' | 'filesDir' | 'mounts'>): string[] {
  const sessionDir = dirname(plan.filesDir)
  const extra = plan.mounts.flatMap((m) => (m.kind === 'bind' && !m.readOnly ? [m.source] : []))
  return [plan.workspace, ...new Set(extra.filter((source) => !within(source, plan.workspace) && !within(source, sessionDir)))]
}

/** One sweep of several roots: paths outside the project are shown whole, the project's relative to it. */
export function mergeSetidSweeps(workspace: string, sweeps: readonly { root: string; sweep: SetidSweep }[]): SetidSweep {
  const shown = (root: string, path: string) => (root === workspace ? path : join(root, path))
  return {
    cleared: sweeps.flatMap(({ root, sweep }) => sweep.cleared.map((c) => ({ ...c, path: shown(root, c.path) }))),
    failed: sweeps.flatMap(({ root, sweep }) => sweep.failed.map((f) => ({ ...f, path: shown(root, f.path) }))),
    unsearched: sweeps.flatMap(({ sweep }) => sweep.unsearched),
  }
}

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0')

// Linux's O_PATH (not in Node's constants): pins a file its owner may not read (mode 4111), for chmod via /proc.
const O_PATH = 0o10000000

/** Clears the bits through a descriptor of exactly the file that was found; refuses anything else. */
export async function clearSetid(path: string, expected: Pick<SetidFile, 'dev' | 'ino'>): Promise<void> {
  let handle: FileHandle
  let viaProc = false
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'EACCES' || process.platform !== 'linux') throw err
    handle = await open(path, O_PATH | constants.O_NOFOLLOW)
    viaProc = true
  }
  try {
    const info = await handle.stat({ bigint: true })
    if (!info.isFile() || info.dev !== expected.dev || info.ino !== expected.ino) throw new Error('replaced while it was checked; left as it is')
    const mode = Number(info.mode) & 0o7777 & ~SETID
    // /proc/self/fd/N names the pinned inode itself, not a path that could be swapped.
    if (viaProc) await chmod(`/proc/self/fd/${handle.fd}`, mode)
    else await handle.chmod(mode)
    const now = await handle.stat({ bigint: true })
    if ((Number(now.mode) & SETID) !== 0) throw new Error('the setuid/setgid bit is still set')
  } finally {
    await handle.close()
  }
}

/** The summary's lines: what was cleared (a warning), what could not be (an alarm). */
export function setidSummary(sweep: SetidSweep | null): { alarms: string[]; warnings: string[] } {
  if (!sweep) return { alarms: [], warnings: [] }
  const alarms: string[] = []
  if (sweep.failed.length > 0) {
    const list = sweep.failed.map((f) => `${f.path} (${f.error})`).join(', ')
    alarms.push(`DANGER: the sandbox left setuid/setgid files in the project that wrapix could not clear: ${list}. Run \`chmod ug-s\` on them before anyone runs them.`)
  }
  if (sweep.unsearched.length > 0) {
    alarms.push(`DANGER: wrapix could not search all of the project for setuid/setgid files the sandbox may have left: ${sweep.unsearched.join('; ')}. Check these directories.`)
  }
  const warnings =
    sweep.cleared.length > 0
      ? [`the sandbox left setuid/setgid files in the project; wrapix cleared the bits: ${sweep.cleared.map((f) => `${f.path} (was ${f.mode})`).join(', ')}`]
      : []
  return { alarms, warnings }
}
