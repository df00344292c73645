// The normal (non-root) user the integration suite also runs wrapix as: rootless podman, as a real user would.
// test/setup-host.sh creates it (WRAPIX_TEST_USER, default wrapix-test) with subordinate ids, a runtime dir
// and the base image in its own image store. Tests run wrapix through setpriv as that user, with its own
// HOME, XDG dirs and XDG_RUNTIME_DIR, on files the test gave to it.
import { execFileSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { chown, cp, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestUser {
  readonly name: string
  readonly uid: number
  readonly gid: number
  /** The user's storage.conf (explicit graphroot): runs with a throwaway HOME share the user's image store. */
  readonly storageConf: string
  /** /run/user/UID: rootless podman keeps its runtime state there (no systemd/logind on the test host). */
  readonly runtimeDir: string
}

const lookup = (flag: string, name: string): number | null => {
  try {
    return Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim())
  } catch {
    return null
  }
}

let cached: TestUser | null | undefined

/** The configured normal user, or null when this host has none (or the tests do not run as root). */
export function normalTestUser(): TestUser | null {
  if (cached !== undefined) return cached
  const name = process.env.WRAPIX_TEST_USER ?? 'wrapix-test'
  const uid = lookup('-u', name)
  const gid = lookup('-g', name)
  const home = uid === null ? '' : execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).split(':')[5] ?? ''
  cached = process.getuid?.() === 0 && uid !== null && gid !== null && uid !== 0
    ? { name, uid, gid, runtimeDir: `/run/user/${uid}`, storageConf: join(home, '.config', 'containers', 'storage.conf') }
    : null
  return cached
}

/** Who the launcher tests run as: root, and the normal user when the host has one. */
export const RUN_AS: ReadonlyArray<TestUser | null> = [null, ...(normalTestUser() ? [normalTestUser()] : [])]
export const runAsLabel = (user: TestUser | null): string => (user ? `as ${user.name} (rootless)` : 'as root')

/** Gives a tree the test made to the user (recursively), so wrapix running as that user owns its files. */
export async function giveTo(path: string, user: TestUser): Promise<void> {
  await chown(path, user.uid, user.gid)
  for (const entry of await readdir(path, { withFileTypes: true }).catch(() => [])) {
    const child = join(path, entry.name)
    if (entry.isDirectory()) await giveTo(child, user)
    else await chown(child, user.uid, user.gid)
  }
}

/** Can the user read and enter `path` (checked with the user's own ids, as the kernel would)? */
export function readableBy(path: string, user: TestUser): boolean {
  try {
    execFileSync('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', 'test', '-r', path, '-a', '-x', path], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * A copy of the built launcher the user can read, when the checkout itself is not (e.g. under /root or a
 * private /tmp): bin/, dist/, profiles/, package.json and node_modules/ in a temp dir. Returns the bin path.
 */
export async function launcherReadableBy(repoRoot: string, bin: string, user: TestUser): Promise<{ bin: string; cleanup(): Promise<void> }> {
  if (readableBy(bin, user) && readableBy(join(repoRoot, 'node_modules'), user)) return { bin, cleanup: async () => {} }
  const copy = await mkdtemp(join(tmpdir(), 'wrapix-checkout-'))
  for (const part of ['bin', 'dist', 'profiles', 'package.json', 'node_modules']) {
    await cp(join(repoRoot, part), join(copy, part), { recursive: true, verbatimSymlinks: true }).catch(() => {})
  }
  await giveTo(copy, user)
  accessSync(join(copy, 'bin', 'wrapix.js'), constants.R_OK)
  return { bin: join(copy, 'bin', 'wrapix.js'), cleanup: () => rm(copy, { recursive: true, force: true }) }
}

/** Argv prefix that runs a command as the user (no sudo, no login shell: the environment is the test's). */
export const asUserArgv = (user: TestUser): string[] => ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--']
