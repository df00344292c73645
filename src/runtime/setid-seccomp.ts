// Under crun, the sandbox may not make a file setuid or setgid: podman's own default seccomp profile, plus
// rules that refuse (EPERM) every system call that would set S_ISUID/S_ISGID on a file — chmod and its
// kin, open/creat with O_CREAT or O_TMPFILE, mknod. openat2 and io_uring are refused outright (ENOSYS, so
// libc falls back to openat): seccomp cannot read their modes. The sweep after the session
// (src/session/setid-sweep.ts) still runs; this keeps the file from ever existing on the host.
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { WrapixError } from '../errors.js'
import type { SandboxPlan } from '../sandbox/plan.js'

export const PODMAN_DEFAULT_SECCOMP = '/usr/share/containers/seccomp.json'
/** Where podman looks for its default profile, the admin's own first (containers/common DefaultSeccompPath). */
export const PODMAN_SECCOMP_PATHS: readonly string[] = ['/etc/containers/seccomp.json', PODMAN_DEFAULT_SECCOMP]

/** The profile podman itself would use: the first of PODMAN_SECCOMP_PATHS that exists. */
export function podmanSeccompBase(paths: readonly string[] = PODMAN_SECCOMP_PATHS): string {
  return paths.find((path) => existsSync(path)) ?? paths.at(-1)!
}

/** Refused outright (ENOSYS, so libc falls back): openat2 keeps its mode in a struct seccomp cannot read, and an
 * io_uring open never passes through seccomp at all. */
const UNFILTERABLE = ['openat2', 'io_uring_setup', 'io_uring_enter', 'io_uring_register']

const SETID = 0o6000
const S_ISUID = 0o4000
const S_ISGID = 0o2000
// The generic Linux values (x86, x86-64, arm, arm64, riscv, s390, ppc): the arches podman's profile maps.
const O_CREAT = 0o100
const O_TMPFILE_BIT = 0o20000000 // __O_TMPFILE; O_TMPFILE also sets O_DIRECTORY
const EPERM = 1
const ENOSYS = 38

interface Arg {
  index: number
  value: number
  valueTwo: number
  op: string
}
interface Rule {
  names: string[]
  action: string
  args?: Arg[] | null
  errnoRet?: number
  [key: string]: unknown
}
interface Profile {
  defaultAction: string
  syscalls: Rule[]
  [key: string]: unknown
}

/** arg & mask == value */
const masked = (index: number, mask: number, value: number): Arg => ({ index, value: mask, valueTwo: value, op: 'SCMP_CMP_MASKED_EQ' })

/** Where the mode (and the open flags) sit in each call; null flags: it always creates. */
const MODE_CALLS: readonly { name: string; mode: number; flags: number | null }[] = [
  { name: 'chmod', mode: 1, flags: null },
  { name: 'fchmod', mode: 1, flags: null },
  { name: 'fchmodat', mode: 2, flags: null },
  { name: 'fchmodat2', mode: 2, flags: null },
  { name: 'creat', mode: 1, flags: null },
  { name: 'mknod', mode: 1, flags: null },
  { name: 'mknodat', mode: 2, flags: null },
  { name: 'open', mode: 2, flags: 1 },
  { name: 'openat', mode: 3, flags: 2 },
]

/**
 * Allowed when no setid bit is asked for (or, for open, nothing is created); refused with EPERM otherwise.
 * The rules of one call are ORed and every case falls in exactly one of them.
 */
function modeRules(call: (typeof MODE_CALLS)[number]): Rule[] {
  const { name, mode, flags } = call
  const allow: Rule[] = [{ names: [name], action: 'SCMP_ACT_ALLOW', args: [masked(mode, SETID, 0)] }]
  const deny = (args: Arg[]): Rule => ({ names: [name], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args })
  if (flags === null) return [...allow, deny([masked(mode, S_ISUID, S_ISUID)]), deny([masked(mode, S_ISGID, S_ISGID)])]
  return [
    ...allow,
    { names: [name], action: 'SCMP_ACT_ALLOW', args: [masked(flags, O_CREAT | O_TMPFILE_BIT, 0)] },
    ...[O_CREAT, O_TMPFILE_BIT].flatMap((flag) => [S_ISUID, S_ISGID].map((bit) => deny([masked(flags, flag, flag), masked(mode, bit, bit)]))),
  ]
}

/** The base profile with the setid rules. Pure: the same input gives the same profile. */
export function deriveSetidSeccomp(base: unknown): Profile {
  if (!isProfile(base)) throw new Error('not a seccomp profile (no defaultAction or syscalls)')
  const guarded = new Set([...MODE_CALLS.map((c) => c.name), ...UNFILTERABLE])
  // Which calls podman allows unconditionally: only those get the conditional rules (the rest stay refused).
  const allowed = new Set(
    base.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args?.length && !hasKeys(r.includes) && !hasKeys(r.excludes)).flatMap((r) => r.names),
  )
  const syscalls = base.syscalls
    .map((rule) => ({ ...rule, names: rule.names.filter((n) => !guarded.has(n)) }))
    .filter((rule) => rule.names.length > 0)
  const added = MODE_CALLS.filter((c) => allowed.has(c.name)).flatMap(modeRules)
  return { ...base, syscalls: [...syscalls, ...added, { names: UNFILTERABLE, action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS }] }
}

const hasKeys = (value: unknown): boolean => typeof value === 'object' && value !== null && Object.keys(value).length > 0

function isProfile(value: unknown): value is Profile {
  if (typeof value !== 'object' || value === null) return false
  const p = value as Partial<Profile>
  return typeof p.defaultAction === 'string' && Array.isArray(p.syscalls) && p.syscalls.every((r) => Array.isArray(r?.names) && typeof r.action === 'string')
}

/** Where the session's profile goes (its 0700 session dir); null when the runtime takes none (gVisor, krun, macOS). */
export function setidSeccompPath(plan: Pick<SandboxPlan, 'backend' | 'runtime' | 'filesDir'>): string | null {
  return plan.backend === 'podman' && plan.runtime === 'crun' ? join(dirname(plan.filesDir), 'seccomp.json') : null
}

type ProfilePlan = Pick<SandboxPlan, 'backend' | 'runtime' | 'filesDir'>

async function derivedFrom(basePath: string): Promise<Profile> {
  try {
    return deriveSetidSeccomp(JSON.parse(await readFile(basePath, 'utf8')))
  } catch (err) {
    throw new WrapixError(
      'host',
      `podman's default seccomp profile ${basePath} could not be read: ${(err as Error).message}`,
      'install it (Debian/Ubuntu: the golang-github-containers-common package; Fedora: containers-common), or use --boundary gvisor',
    )
  }
}

/** Before the session is recorded: a crun session cannot start without the host's podman default profile. */
export async function assertSetidSeccompBase(plan: ProfilePlan, basePath = podmanSeccompBase()): Promise<void> {
  if (setidSeccompPath(plan) !== null) await derivedFrom(basePath)
}

/** Writes the session's profile, derived from the host's podman default; refuses if that is missing or unreadable. */
export async function writeSetidSeccomp(plan: ProfilePlan, basePath = podmanSeccompBase()): Promise<void> {
  const path = setidSeccompPath(plan)
  if (path === null) return
  await writeFile(path, `${JSON.stringify(await derivedFrom(basePath))}\n`, { mode: 0o600, flag: 'wx' })
}
