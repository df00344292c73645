import { chmod, lstat, mkdir, mkdtemp, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PlannedMount } from '../../../src/sandbox/plan.js'
import { clearSetid, mergeSetidSweeps, scanSetidFiles, setidBaseline, setidSummary, setidSweepRoots, sweepSetidFiles } from '../../../src/session/setid-sweep.js'

let root: string
let outside: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wrapix-setid-'))
  outside = await mkdtemp(join(tmpdir(), 'wrapix-setid-outside-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
  await rm(outside, { recursive: true, force: true })
})

const modeOf = async (path: string): Promise<number> => (await lstat(path)).mode & 0o7777
async function file(path: string, mode: number): Promise<void> {
  await writeFile(path, '#!/bin/sh\n')
  await chmod(path, mode)
}
// ctime cannot be set back; wait past the baseline's margin instead of faking it.
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1100))

describe('setid sweep', () => {
  it('clears setuid and setgid bits the session added, through any depth, and names them', async () => {
    await mkdir(join(root, 'a/b'), { recursive: true })
    const baseline = await setidBaseline(root)
    await file(join(root, 'suid'), 0o4755)
    await file(join(root, 'a/b/sgid'), 0o2755)
    await file(join(root, 'a/unreadable'), 0o4111) // its owner cannot open it for reading
    await file(join(root, 'plain'), 0o755)
    const sweep = await sweepSetidFiles(root, baseline)
    expect(sweep.cleared.map((f) => f.path).sort()).toEqual(['a/b/sgid', 'a/unreadable', 'suid'])
    expect(sweep.cleared.find((f) => f.path === 'suid')?.mode).toBe('4755')
    expect(sweep.failed).toEqual([])
    expect(await modeOf(join(root, 'suid'))).toBe(0o755)
    expect(await modeOf(join(root, 'a/b/sgid'))).toBe(0o755)
    expect(await modeOf(join(root, 'a/unreadable'))).toBe(0o111)
    expect(await modeOf(join(root, 'plain'))).toBe(0o755)
    expect((await scanSetidFiles(root)).files).toEqual([])
    const lines = setidSummary(sweep)
    expect(lines.warnings[0]).toContain('suid (was 4755)')
    expect(lines.alarms).toEqual([])
  })

  it('leaves a setid file that was there before the session, unchanged', async () => {
    await file(join(root, 'mine'), 0o4750)
    await settle()
    const sweep = await sweepSetidFiles(root, await setidBaseline(root))
    expect(sweep.cleared).toEqual([])
    expect(await modeOf(join(root, 'mine'))).toBe(0o4750)
  })

  it('clears a pre-existing setid file the session rewrote or re-created', async () => {
    await file(join(root, 'rewritten'), 0o4755)
    await file(join(root, 'replaced'), 0o4755)
    await settle()
    const baseline = await setidBaseline(root)
    await chmod(join(root, 'rewritten'), 0o4755) // same mode, new ctime (as a write that kept the bit)
    await rm(join(root, 'replaced'))
    await file(join(root, 'replaced'), 0o4755)
    const sweep = await sweepSetidFiles(root, baseline)
    expect(sweep.cleared.map((f) => f.path).sort()).toEqual(['replaced', 'rewritten'])
  })

  it('clears a file changed while the baseline ran (ctime after the session started)', async () => {
    const baselineRunning = setidBaseline(root)
    await file(join(root, 'raced'), 0o4755) // may or may not be in the baseline's scan
    const sweep = await sweepSetidFiles(root, await baselineRunning)
    expect(sweep.cleared.map((f) => f.path)).toEqual(['raced'])
  })

  it('never follows a link, to a file or a directory', async () => {
    const target = join(outside, 'host-suid')
    await file(target, 0o4755)
    await mkdir(join(outside, 'dir'))
    await file(join(outside, 'dir/inner'), 0o4755)
    const baseline = await setidBaseline(root)
    await symlink(target, join(root, 'link'))
    await symlink(join(outside, 'dir'), join(root, 'dirlink'))
    const sweep = await sweepSetidFiles(root, baseline)
    expect(sweep.cleared).toEqual([])
    expect(await modeOf(target)).toBe(0o4755)
    expect(await modeOf(join(outside, 'dir/inner'))).toBe(0o4755)
  })

  it('refuses a path that is now a link or another file', async () => {
    const target = join(outside, 'host-suid')
    await file(target, 0o4755)
    await file(join(root, 'f'), 0o4755)
    const found = (await scanSetidFiles(root)).files[0]!
    await rm(join(root, 'f'))
    await symlink(target, join(root, 'f'))
    await expect(clearSetid(join(root, 'f'), found)).rejects.toThrow(/ELOOP|replaced/)
    await rm(join(root, 'f'))
    await file(join(root, 'f'), 0o4755)
    await expect(clearSetid(join(root, 'f'), { dev: found.dev, ino: found.ino + 1n })).rejects.toThrow(/replaced/)
    expect(await modeOf(target)).toBe(0o4755)
  })

  it('raises an alarm for what it could not search or clear', () => {
    const lines = setidSummary({ cleared: [], failed: [{ path: 'x', error: 'EPERM' }], unsearched: ["'/p/d': Permission denied"] })
    expect(lines.alarms).toHaveLength(2)
    expect(lines.alarms[0]).toContain('x (EPERM)')
    expect(lines.alarms[1]).toContain('/p/d')
  })

  it('keeps the times of files untouched (mtime is not the check: ctime is)', async () => {
    await file(join(root, 'old'), 0o4755)
    await utimes(join(root, 'old'), new Date(0), new Date(0))
    await settle()
    const baseline = await setidBaseline(root)
    await utimes(join(root, 'old'), new Date(0), new Date(0)) // the agent cannot hide a change by resetting mtime
    const sweep = await sweepSetidFiles(root, baseline)
    expect(sweep.cleared.map((f) => f.path)).toEqual(['old'])
    expect((await stat(join(root, 'old'))).mode & 0o7777).toBe(0o755)
  })
})

describe('what is swept: the project and every read-write host folder bound in', () => {
  const bind = (source: string, readOnly: boolean): PlannedMount => ({ kind: 'bind', source, dest: `/mnt${source}`, readOnly })
  const plan = (mounts: PlannedMount[]) => ({ workspace: '/home/ada/app', filesDir: '/run/user/1000/wrapix/abc/files', mounts })

  it('adds read-write binds outside the project and the session folder, once each', () => {
    expect(
      setidSweepRoots(
        plan([
          bind('/home/ada/app', false),
          bind('/home/ada/.cache/uv', false),
          bind('/home/ada/.cache/uv', false),
          bind('/home/ada/app/.wrapix', true),
          bind('/home/ada/ref', true),
          bind('/run/user/1000/wrapix/abc/git', false),
          bind('/home/ada/application', false),
          { kind: 'tmpfs', dest: '/tmp' },
        ]),
      ),
    ).toEqual(['/home/ada/app', '/home/ada/.cache/uv', '/home/ada/application'])
  })

  it('clears a setid file the session left in a bound cache folder too, and shows its whole path', async () => {
    const baselines = await Promise.all([root, outside].map((r) => setidBaseline(r)))
    await file(join(root, 'in-project'), 0o4755)
    await file(join(outside, 'in-cache'), 0o2755)
    const sweeps = await Promise.all([root, outside].map(async (r, i) => ({ root: r, sweep: await sweepSetidFiles(r, baselines[i]!) })))
    const merged = mergeSetidSweeps(root, sweeps)
    expect(merged.cleared.map((c) => c.path).sort()).toEqual([join(outside, 'in-cache'), 'in-project'].sort())
    expect(await modeOf(join(outside, 'in-cache'))).toBe(0o755)
  })
})
