// Per-session host directories (bootstrap files, proxy socket) under the runtime dir, and removal of the ones
// a killed wrapix left behind. Each holds an owner file; a directory whose owner is gone is stale.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { currentProcessOwner, processOwnerAlive, type ProcessOwner } from '../host/process-owner.js'

const OWNER_FILE = 'owner.json'

export async function claimSessionDir(sessionDir: string): Promise<void> {
  await writeFile(join(sessionDir, OWNER_FILE), JSON.stringify(currentProcessOwner()), { mode: 0o600 })
}

/** Removes session dirs whose wrapix process is gone; dirs without an owner file are left alone. */
export async function removeStaleSessionDirs(runtimeDir: string): Promise<string[]> {
  let entries: string[]
  try {
    entries = await readdir(runtimeDir)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const entry of entries) {
    if (!/^[0-9a-f]{12}$/.test(entry)) continue
    const dir = join(runtimeDir, entry)
    let owner: ProcessOwner
    try {
      owner = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8')) as ProcessOwner
    } catch {
      continue
    }
    if (processOwnerAlive(owner)) continue
    await rm(dir, { recursive: true, force: true })
    removed.push(dir)
  }
  return removed
}
