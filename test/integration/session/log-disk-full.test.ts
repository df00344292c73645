// `.wrapix/log` on a full file system, for real: a small tmpfs mounted over it. Full before the run: wrapix
// refuses before launching, with one clear line, and leaves nothing half-written. Full by the session's end:
// the sandbox still stops and everything else is torn down; the record comes from the journal on the next
// run once there is space. On each boundary, as root and as a normal user.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isolatedHome, requireBuiltCli, spawnWrapix, tempProject, type IsolatedHome, type TempProject } from '../../helpers/cli.js'
import { leftoversOf, NOTHING_LEFT } from '../../helpers/leftovers.js'
import { removeContainersByLabel, requirePodman } from '../../helpers/podman.js'
import { recordsOf, waitForRunningContainer } from '../../helpers/running-session.js'
import { RUNNABLE_BOUNDARIES, sandboxFlags } from '../../helpers/sandbox.js'
import { RUN_AS, runAsLabel } from '../../helpers/test-user.js'

const podman = await requirePodman()
const CASES = RUNNABLE_BOUNDARIES.flatMap((boundary) => RUN_AS.map((user) => [boundary, runAsLabel(user), user] as const))
const FILLER = '.filler' // a dot file: wrapix's listing and retention never count it

describe.skipIf(!podman).each(CASES)('.wrapix/log on a full file system (%s boundary, %s)', (boundary, _label, user) => {
  let project: TempProject
  let home: IsolatedHome
  let logDir = ''
  beforeEach(async () => {
    requireBuiltCli()
    project = await tempProject({}, 'wrapix-proj-', user)
    home = await isolatedHome(user)
    logDir = join(project.dir, '.wrapix', 'log')
    mkdirSync(logDir, { recursive: true })
    const owner = user ? `,uid=${user.uid},gid=${user.gid}` : ''
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=256k,mode=0755${owner}`, 'wrapix-test-log', logDir])
    if (user) execFileSync('chown', [`${user.uid}:${user.gid}`, join(project.dir, '.wrapix')])
  })
  afterEach(async () => {
    await removeContainersByLabel({ 'wrapix.workspace': project.dir }, user)
    execFileSync('umount', ['-l', logDir], { stdio: 'ignore' })
    await project.cleanup()
    await home.cleanup()
  })

  const fill = () => {
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(logDir, FILLER)}`, 'bs=4k'], { stdio: 'ignore' })
    } catch {
      // dd stops with ENOSPC: that is the point
    }
  }
  const run = (command: readonly string[]) => spawnWrapix(['run', project.dir, ...sandboxFlags(boundary), '--', ...command], { home, timeoutMs: 180_000 })
  const visible = () => readdirSync(logDir).filter((n) => n !== FILLER).sort()

  it('full before the run: refused before launching, with a clear error and nothing half-written; runs once space is back', async () => {
    fill()
    const refused = await run(['true'])
    expect(refused.exitCode, String(refused.stderr)).toBe(4)
    expect(String(refused.stderr)).toMatch(/no space left for the session record in \S+\.wrapix\/log \(ENOSPC\): the session cannot start/)
    expect(String(refused.stderr)).toMatch(/hint: free space on that file system/)
    expect(visible()).toEqual(['.journal'])
    expect(readdirSync(join(logDir, '.journal'))).toEqual([])
    expect(await leftoversOf(project.dir, home)).toEqual(NOTHING_LEFT)

    rmSync(join(logDir, FILLER))
    const ok = await run(['true'])
    expect(ok.exitCode, String(ok.stderr)).toBe(0)
    expect((await recordsOf(project.dir)).map((r) => r.exitCode)).toEqual([0])
  })

  it('full by the end of the session: the sandbox still stops, the record is recovered by the next run once space is back', async () => {
    const session = run(['sleep', '4'])
    const container = await waitForRunningContainer(project.dir, home)
    const sessionId = container.labels['wrapix.session']!
    fill()
    const result = await session
    expect(result.exitCode, String(result.stderr)).toBe(4)
    expect(String(result.stderr)).toMatch(/no space left for the session record in \S+\.wrapix\/log \(ENOSPC\): the next run with free space records it/)
    // Only the journal and the session's network log (its reserved name) stay: no temp file, no half record.
    // Container, processes and session dir are gone.
    expect(visible()).toEqual(['.journal', expect.stringMatching(/^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{8}\.network\.jsonl$/)])
    expect(await leftoversOf(project.dir, home, [sessionId, container.id])).toEqual({ ...NOTHING_LEFT, journals: [`${sessionId}.json`] })

    rmSync(join(logDir, FILLER))
    const next = await run(['true'])
    expect(next.exitCode, String(next.stderr)).toBe(0)
    const records = await recordsOf(project.dir)
    expect(records.map((r) => [r.id === sessionId, r.host.finalizedBy, r.interruption?.cause ?? null])).toEqual([
      [true, 'recovery', 'wrapix-died'],
      [false, 'session', null],
    ])
    expect(await leftoversOf(project.dir, home, [sessionId, container.id])).toEqual(NOTHING_LEFT)
  })
})
