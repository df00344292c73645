import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { claimSessionDir, removeStaleSessionDirs } from '../../../src/session/session-dirs.js'

describe('session dirs left by a killed wrapix', () => {
  let root = ''
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true })
  })

  it('removes only dirs whose owner process is gone', async () => {
    root = await mkdtemp(join(tmpdir(), 'wrapix-session-dirs-'))
    const live = join(root, 'aaaaaaaaaaaa')
    const dead = join(root, 'bbbbbbbbbbbb')
    const foreign = join(root, 'cccccccccccc') // no owner file: not ours to judge
    for (const dir of [live, dead, foreign]) await mkdir(dir)
    await claimSessionDir(live)
    // pid 2^22+1 is above the kernel's pid_max, so no process can have it.
    await writeFile(join(dead, 'owner.json'), JSON.stringify({ pid: 4194305, startTicks: '1' }))

    const removed = await removeStaleSessionDirs(root)

    expect(removed).toEqual([dead])
    expect((await readdir(root)).sort()).toEqual(['aaaaaaaaaaaa', 'cccccccccccc'])
  })

  it('treats a reused pid with another start time as gone', async () => {
    root = await mkdtemp(join(tmpdir(), 'wrapix-session-dirs-'))
    const reused = join(root, 'dddddddddddd')
    await mkdir(reused)
    await writeFile(join(reused, 'owner.json'), JSON.stringify({ pid: process.pid, startTicks: 'not-the-real-start' }))
    expect(await removeStaleSessionDirs(root)).toEqual([reused])
  })
})
