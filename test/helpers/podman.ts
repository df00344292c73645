// Test helpers for real podman: is it usable here, the local base image, unique names, and finding and
// removing the containers a test started (by label). Never used by unit tests.
import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { wrapixPaths } from '../../src/config/paths.js'
import type { IsolatedHome } from './cli.js'
import { execa } from 'execa'
import { asUserArgv, type TestUser } from './test-user.js'

/** Built by test/setup-host.sh (debootstrap, no registry); later by `wrapix image base`. */
export const BASE_IMAGE = process.env.WRAPIX_TEST_BASE_IMAGE ?? 'localhost/wrapix-base:bookworm'

/** The label wrapix puts on every sandbox container; its value is the session id. */
export const SESSION_LABEL = 'wrapix.session'

/** A label tests put on containers they start themselves with podman, so cleanup finds them. */
export const TEST_LABEL = 'wrapix.test'

export const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false'

/**
 * podman global options a runtime needs on this kind of host. runsc's own network (netstack copying the
 * netns's interfaces) refuses to start on kernels >= 6.x: it takes /proc/sys/net/core/rmem_default, which
 * such kernels have in every netns, as proof of running in the root netns. `--runtime-flag` is passed to
 * every runtime call, and crun rejects it, so it is only for runsc.
 */
export function runtimeGlobalArgs(runtime: 'crun' | 'runsc'): string[] {
  return runtime === 'runsc' ? ['--runtime-flag', 'network=none'] : []
}

let probed: Promise<string | undefined> | undefined

/** Why podman cannot run the base image here, or undefined when it can. Probed once per test file. */
export function podmanUnavailableReason(): Promise<string | undefined> {
  probed ??= (async () => {
    const version = await execa('podman', ['version', '--format', '{{.Client.Version}}'], { reject: false })
    if (version.failed) return `podman is not usable (${firstLine(version.stderr) || version.shortMessage})`
    const image = await execa('podman', ['image', 'exists', BASE_IMAGE], { reject: false })
    if (image.exitCode !== 0) return `the base image ${BASE_IMAGE} is missing`
    return undefined
  })()
  return probed
}

/**
 * Call at the top of an integration test file: `const podman = await requirePodman()`, then
 * `describe.skipIf(!podman)(…)`. In CI a missing podman or base image fails the file; on a laptop the
 * tests are skipped, and say why.
 */
export async function requirePodman(): Promise<boolean> {
  const reason = await podmanUnavailableReason()
  if (reason === undefined) return true
  const fix = 'run: sudo bash test/setup-host.sh'
  if (IN_CI) throw new Error(`${reason}; integration tests need it in CI (${fix})`)
  process.stderr.write(`\n[wrapix tests] SKIPPING podman tests: ${reason} (${fix})\n\n`)
  return false
}

/** A name no other test (or other run of this test) uses: `<prefix>-<pid>-<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}-${randomBytes(4).toString('hex')}`
}

export interface PodmanContainer {
  readonly id: string
  readonly name: string
  readonly state: string
  readonly labels: Readonly<Record<string, string>>
}

/** podman as the test's own user, or (rootless, its own containers and images) as a normal test user. */
export function podmanAs(user: TestUser | null | undefined, args: readonly string[]) {
  if (!user) return execa('podman', [...args], { reject: false })
  const configHome = dirname(dirname(user.storageConf))
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dirname(configHome), XDG_CONFIG_HOME: configHome, XDG_RUNTIME_DIR: user.runtimeDir, LANG: 'C.UTF-8' }
  const [file, ...prefix] = asUserArgv(user)
  // cwd /: a test's own cwd may not be enterable by the user.
  return execa(file!, [...prefix, 'podman', ...args], { reject: false, env, extendEnv: false, cwd: '/' })
}

/** Containers (running or not) carrying a label: `podmanPs({ 'wrapix.session': id })` or `podmanPs('wrapix.test')`. */
export async function podmanPs(filter: string | Readonly<Record<string, string>>, user: TestUser | null = null): Promise<PodmanContainer[]> {
  const filters = typeof filter === 'string' ? [filter] : Object.entries(filter).map(([k, v]) => `${k}=${v}`)
  const r = await podmanAs(user, ['ps', '--all', '--format', 'json', ...filters.flatMap((f) => ['--filter', `label=${f}`])])
  if (r.exitCode !== 0) throw new Error(`podman ps failed: ${r.stderr}`)
  const stdout = String(r.stdout)
  const rows = JSON.parse(stdout || '[]') as Array<{ Id: string; Names?: string[]; State: string; Labels?: Record<string, string> | null }>
  return rows.map((r) => ({ id: r.Id, name: r.Names?.[0] ?? '', state: r.State, labels: r.Labels ?? {} }))
}

/** Removes (forcefully, at once) every container carrying the label; returns how many there were. */
export async function removeContainersByLabel(filter: string | Readonly<Record<string, string>>, user: TestUser | null = null): Promise<number> {
  const containers = await podmanPs(filter, user)
  if (containers.length === 0) return 0
  await podmanAs(user, ['rm', '--force', '--time', '0', ...containers.map((c) => c.id)])
  return containers.length
}

/** Removes wrapix's containers of one session (label `wrapix.session=<id>`). */
export function removeSession(sessionId: string): Promise<number> {
  return removeContainersByLabel({ [SESSION_LABEL]: sessionId })
}

/**
 * Waits until no container carries the label, for at most `timeoutMs`; returns those still left.
 * podman's `--rm` cleanup is asynchronous (conmon), so "gone" needs a short grace period.
 */
export async function waitForNoContainers(filter: string | Readonly<Record<string, string>>, timeoutMs = 10_000, user: TestUser | null = null): Promise<PodmanContainer[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const left = await podmanPs(filter, user)
    if (left.length === 0 || Date.now() >= deadline) return left
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? ''
}

/** Host processes whose command line mentions the session (podman and conmon name its container). */
export async function processesOf(sessionId: string): Promise<string[]> {
  const found: string[] = []
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (cmdline.includes(sessionId) && Number(pid) !== process.pid) found.push(cmdline.replaceAll('\0', ' '))
  }
  return found
}

/** A session's private host directory (it holds the proxy socket): XDG_RUNTIME_DIR/wrapix/ID of the home's user. */
export const sessionRuntimeDir = (home: IsolatedHome, sessionId: string): string =>
  join(wrapixPaths(home.env, home.root, home.user?.uid ?? process.getuid?.() ?? 0).runtimeDir, sessionId)
