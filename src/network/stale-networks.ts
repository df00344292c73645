// Owners of session namespaces, and removal of what a killed wrapix left behind (namespace, veth, nft table).
// A SIGKILLed wrapix cannot tear its network down; the next session start does, cheaply: one readdir of
// /run/netns and one small file per wrapix namespace, and `ip`/`nft` only for the dead ones.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { deleteNetns } from './netns.js'
import { sessionEgressNames } from './open-egress.js'
import { processOwnerAlive, processStartTicks } from '../host/process-owner.js'
import type { ProcessOwner } from '../host/process-owner.js'

/** Where `ip netns add` puts its namespaces. */
const NETNS_DIR = '/run/netns'
/** One file per wrapix namespace, named like it, holding the owning wrapix's pid and start time. */
export const NETNS_OWNER_DIR = '/run/wrapix-netns'
const PREFIX = 'wrapix-'

/**
 * Written before the namespace exists, so a namespace without an owner file is never one of ours in flight.
 * Best effort: where it cannot be written (not root), `ip netns add` fails next with the error that matters.
 */
export async function writeNetnsOwner(netns: string, pid = process.pid): Promise<void> {
  const owner: ProcessOwner = { pid, startTicks: processStartTicks(pid) }
  try {
    await mkdir(NETNS_OWNER_DIR, { recursive: true, mode: 0o755 })
    await writeFileAtomic(join(NETNS_OWNER_DIR, netns), `${JSON.stringify(owner)}\n`) // never read half-written
  } catch {
    // see above
  }
}

export async function removeNetnsOwner(netns: string): Promise<void> {
  await rm(join(NETNS_OWNER_DIR, netns), { force: true })
}

async function readOwner(netns: string): Promise<ProcessOwner | null> {
  try {
    const value = JSON.parse(await readFile(join(NETNS_OWNER_DIR, netns), 'utf8')) as Partial<ProcessOwner>
    return typeof value.pid === 'number' ? { pid: value.pid, startTicks: value.startTicks ?? null } : null
  } catch {
    return null
  }
}

const listNames = async (dir: string): Promise<string[]> =>
  (await readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith(PREFIX))

/**
 * Tears down the networks of sessions whose wrapix is gone; returns the namespaces removed. A namespace
 * with no owner file is left alone (it predates owner files, or another tool made it); failures are quiet
 * (not root: nothing of ours could have been created) and retried at the next start.
 */
export async function removeStaleNetworks(): Promise<string[]> {
  const [namespaces, owners] = await Promise.all([listNames(NETNS_DIR), listNames(NETNS_OWNER_DIR)])
  const removed: string[] = []
  for (const name of new Set([...namespaces, ...owners])) {
    const owner = await readOwner(name)
    if (owner === null || processOwnerAlive(owner)) continue
    if (namespaces.includes(name)) {
      await teardownSessionNetwork(name)
      removed.push(name)
    }
    await removeNetnsOwner(name)
  }
  return removed
}

/** Everything a session network may have made, by name: the open-mode table and veth, then the namespace. */
async function teardownSessionNetwork(netns: string): Promise<void> {
  const { table, hostIf } = sessionEgressNames(netns.slice(PREFIX.length))
  await execa('nft', ['delete', 'table', 'inet', table], { reject: false, stdin: 'ignore', stderr: 'ignore' })
  await execa('ip', ['link', 'delete', hostIf], { reject: false, stdin: 'ignore', stderr: 'ignore' })
  await deleteNetns(netns)
}
