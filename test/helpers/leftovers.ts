// What a session may leave on the host, looked up for one test project: its containers, host processes
// that name it (or run in its containers' cgroups), its session dirs under the runtime dir and its journal
// entries. Tests take it before and after, and expect nothing extra after. Scoped to the project, so tests
// of other projects running at the same time never count.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { IsolatedHome } from './cli.js'
import { podmanPs, sessionRuntimeDir } from './podman.js'

export interface Leftovers {
  readonly containers: string[]
  readonly processes: string[]
  readonly sessionDirs: string[]
  readonly journals: string[]
}

/** Markers: extra strings (session ids, container ids seen while it ran) whose processes count too. */
export async function leftoversOf(project: string, home: IsolatedHome, markers: readonly string[] = []): Promise<Leftovers> {
  const containers = await podmanPs({ 'wrapix.workspace': project }, home.user)
  const ids = [...new Set([...markers, ...(await sessionIdsOf(project)), ...containers.flatMap((c) => [c.id, c.labels['wrapix.session'] ?? ''])])].filter(Boolean)
  const sessionDirs: string[] = []
  for (const id of ids.filter((m) => /^[0-9a-f]{12}$/.test(m))) {
    const dir = sessionRuntimeDir(home, id)
    if (await readdir(dir).then(() => true, () => false)) sessionDirs.push(dir)
  }
  return {
    containers: containers.map((c) => `${c.name} (${c.state})`),
    processes: await processesNaming([project, ...ids]),
    sessionDirs,
    journals: await readdir(join(project, '.wrapix', 'log', '.journal')).catch(() => []),
  }
}

/** Session ids of the project's records and journal entries (the record and journal files name them). */
async function sessionIdsOf(project: string): Promise<string[]> {
  const dir = join(project, '.wrapix', 'log')
  const ids: string[] = []
  for (const name of await readdir(dir).catch(() => [])) {
    if (!name.endsWith('.json')) continue
    const id = await readFile(join(dir, name), 'utf8').then((t) => (JSON.parse(t) as { id?: string }).id, () => undefined)
    if (id) ids.push(id)
  }
  for (const name of await readdir(join(dir, '.journal')).catch(() => [])) ids.push(name.replace(/\.json$/, ''))
  return ids
}

/** Host processes whose command line or cgroup names one of the markers (podman, conmon, the sandbox's own). */
export async function processesNaming(markers: readonly string[]): Promise<string[]> {
  const found: string[] = []
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue
    const [cmdline, cgroup] = await Promise.all([
      readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''),
      readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => ''),
    ])
    if (cmdline === '') continue // a zombie or gone: nothing runs
    if (markers.some((m) => cmdline.includes(m) || cgroup.includes(m))) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ').trim().slice(0, 200)}`)
  }
  return found
}

export const NOTHING_LEFT: Leftovers = { containers: [], processes: [], sessionDirs: [], journals: [] }
