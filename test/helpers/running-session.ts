// A real wrapix session driven from outside: find its running container and helpers, and read the record
// it leaves. For tests that end a session the hard way (signals, a closed terminal, a killed helper).
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { IsolatedHome } from './cli.js'
import { BASE_IMAGE, podmanAs, podmanPs, type PodmanContainer } from './podman.js'
import type { RunnableBoundary } from './sandbox.js'
import type { SessionRecord } from '../../src/session/record-schema.js'

/** The launcher flags with the proxy on (limit, nothing allowed): the relay and proxy socket exist. */
export const proxiedSandboxFlags = (boundary: RunnableBoundary): string[] => ['--boundary', boundary, '--image', BASE_IMAGE, '--network', 'limit', '--no-input']

export async function waitForRunningContainer(project: string, home: IsolatedHome, timeoutMs = 90_000): Promise<PodmanContainer> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const running = (await podmanPs({ 'wrapix.workspace': project }, home.user)).filter((c) => c.state === 'running')
    if (running[0]) return running[0]
    if (Date.now() >= deadline) throw new Error(`no running container for ${project} after ${timeoutMs} ms`)
    await sleep(250)
  }
}

/** The container's init (State.Pid) and its monitor (State.ConmonPid), as host pids. */
export async function containerPids(container: PodmanContainer, home: IsolatedHome): Promise<{ init: number; conmon: number }> {
  const r = await podmanAs(home.user, ['container', 'inspect', '--format', '{{.State.Pid}} {{.State.ConmonPid}}', container.id])
  const [init, conmon] = String(r.stdout).trim().split(' ').map(Number)
  if (!init || !conmon) throw new Error(`podman inspect gave no pids: ${String(r.stdout)} ${String(r.stderr)}`)
  return { init, conmon }
}

/** The direct child of `parent` whose command name is `comm` (e.g. wrapix's podman). */
export async function childNamed(parent: number, comm: string): Promise<number> {
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (ppid === parent && name === comm) return Number(pid)
  }
  throw new Error(`no ${comm} child of ${parent}`)
}

/** The project's session records (not network logs), parsed. */
export async function recordsOf(project: string): Promise<SessionRecord[]> {
  const dir = join(project, '.wrapix', 'log')
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && !n.startsWith('.'))
  return Promise.all(names.sort().map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as SessionRecord))
}

export async function waitUntil<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(200)
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
