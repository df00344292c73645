// Per-session host directories (bootstrap files, proxy socket) under the runtime dir, and removal of the ones
// a killed wrapix left behind. Each holds an owner file; a directory whose owner is gone is stale.
import { lstat, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { currentProcessOwner, processOwnerAlive, type ProcessOwner } from '../host/process-owner.js'

const OWNER_FILE = 'owner.json'

export async function claimSessionDir(sessionDir: string): Promise<void> {
  await writeFile(join(sessionDir, OWNER_FILE), JSON.stringify(currentProcessOwner()), { mode: 0o600 })
}

/**
 * Removes session dirs whose wrapix process is gone; dirs without an owner file, and dirs of another user
 * (a runtime dir shared by mistake), are left alone. Nothing here ever makes a run fail.
 */
export async function removeStaleSessionDirs(runtimeDir: string): Promise<string[]> {
  let entries: string[]
  try {
    entries = await readdir(runtimeDir)
  } catch {
    return []
  }
  const removed: string[] = []
  const uid = process.geteuid?.()
  for (const entry of entries) {
    if (!/^[0-9a-f]{12}$/.test(entry)) continue
    const dir = join(runtimeDir, entry)
    let owner: ProcessOwner
    try {
      const info = await lstat(dir)
      if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) continue
      owner = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8')) as ProcessOwner
    } catch {
      continue
    }
    if (processOwnerAlive(owner)) continue
    try {
      await rm(dir, { recursive: true, force: true })
      removed.push(dir)
    } catch {
      // a file in it that is not ours to remove: left for its owner
    }
  }
  return removed
}
