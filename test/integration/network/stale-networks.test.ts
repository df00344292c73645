// A killed wrapix leaves its session namespace behind; the next start removes it, and only it.
import { afterEach, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import { createNetns, deleteNetns, netnsExists } from '../../../src/network/netns.js'
import { NETNS_OWNER_DIR, removeNetnsOwner, removeStaleNetworks, writeNetnsOwner } from '../../../src/network/stale-networks.js'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { uniqueId } from '../../helpers/network-targets.js'

const made: string[] = []
afterEach(async () => {
  for (const name of made.splice(0)) {
    await deleteNetns(name)
    await removeNetnsOwner(name)
  }
})

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = execa('true')
  await child
  return child.pid!
}

describe('removeStaleNetworks', () => {
  it('removes the namespace of a dead owner and keeps one whose owner runs', async () => {
    const dead = `wrapix-${uniqueId('d')}`
    const live = `wrapix-${uniqueId('l')}`
    const foreign = `wrapix-${uniqueId('f')}` // no owner file: not provably ours, left alone
    made.push(dead, live, foreign)
    await writeNetnsOwner(dead, await deadPid())
    await writeNetnsOwner(live, process.pid)
    for (const name of made) await createNetns(name)

    const removed = await removeStaleNetworks()

    expect(removed).toContain(dead)
    expect(removed).not.toContain(live)
    expect(await netnsExists(dead)).toBe(false)
    expect(existsSync(join(NETNS_OWNER_DIR, dead))).toBe(false)
    expect(await netnsExists(live)).toBe(true)
    expect(await netnsExists(foreign)).toBe(true)
  })
})
