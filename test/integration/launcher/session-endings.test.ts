// Sessions that end the hard way, for real, on each boundary, as root and as a normal user: the terminal
// closes (the whole foreground process group gets SIGHUP and the pty is gone), a helper is SIGKILLed
// (podman, conmon, the container's init, the in-sandbox relay), signals come in bursts and during teardown.
// Each time: the sandbox stops, the record says what happened, and nothing is left behind.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isolatedHome, requireBuiltCli, spawnWrapix, tempProject, REPO_ROOT, type IsolatedHome, type TempProject } from '../../helpers/cli.js'
import { leftoversOf, NOTHING_LEFT } from '../../helpers/leftovers.js'
import { removeContainersByLabel, requirePodman, sessionRuntimeDir } from '../../helpers/podman.js'
import { childNamed, containerPids, processAlive, proxiedSandboxFlags, recordsOf, sleep, waitForRunningContainer, waitUntil } from '../../helpers/running-session.js'
import { RUNNABLE_BOUNDARIES } from '../../helpers/sandbox.js'
import { asUserArgv, RUN_AS, runAsLabel } from '../../helpers/test-user.js'
import { startTmux, type TmuxSession } from '../../helpers/tmux.js'

const podman = await requirePodman()
const SURVIVOR = join(REPO_ROOT, 'test', 'fixtures', 'survive-hangup.mjs')
const CASES = RUNNABLE_BOUNDARIES.flatMap((boundary) => RUN_AS.map((user) => [boundary, runAsLabel(user), user] as const))

describe.skipIf(!podman).each(CASES)('a session ended the hard way (%s boundary, %s)', (boundary, _label, user) => {
  let project: TempProject
  let home: IsolatedHome
  let tmux: TmuxSession | undefined
  beforeEach(async () => {
    requireBuiltCli()
    project = await tempProject({}, 'wrapix-proj-', user)
    home = await isolatedHome(user)
    expect(await leftoversOf(project.dir, home)).toEqual(NOTHING_LEFT)
  })
  afterEach(async () => {
    await tmux?.kill()
    tmux = undefined
    await removeContainersByLabel({ 'wrapix.workspace': project.dir }, user)
    await project.cleanup()
    await home.cleanup()
  })

  const start = (command: readonly string[]) =>
    spawnWrapix(['run', project.dir, ...proxiedSandboxFlags(boundary), '--', ...command], { home, timeoutMs: 180_000 })

  /** After the session: its container, processes (named by the markers too), session dir and journal are gone. */
  async function expectNothingLeft(markers: readonly string[]): Promise<void> {
    const left = await waitUntil(async () => {
      const now = await leftoversOf(project.dir, home, markers)
      return JSON.stringify(now) === JSON.stringify(NOTHING_LEFT) ? now : undefined
    }, 'the session to leave nothing behind', 30_000).catch(async () => leftoversOf(project.dir, home, markers))
    expect(left, JSON.stringify(left)).toEqual(NOTHING_LEFT)
  }

  it('closing the terminal (tmux kill-server: SIGHUP to the process group, pty gone) stops the sandbox and writes the record', async () => {
    const status = join(home.root, 'wrapix-status')
    const argv = [...(user ? asUserArgv(user) : []), process.execPath, home.bin, 'run', project.dir, ...proxiedSandboxFlags(boundary), '--verbose', '--', 'sleep', '300']
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', LANG: 'C.UTF-8', ...home.env }
    tmux = await startTmux([process.execPath, SURVIVOR, status, ...argv], { cwd: project.dir, env })
    const container = await waitForRunningContainer(project.dir, home)
    const sessionId = container.labels['wrapix.session']!
    const wrapixPid = Number(await readFile(`${status}.pid`, 'utf8'))
    await sleep(500)
    const closedAt = Date.now()
    await tmux.kill() // the pane's terminal goes away: the kernel hangs up its foreground process group
    tmux = undefined
    const ended = await waitUntil(() => readFile(status, 'utf8').then((t) => JSON.parse(t) as { code: number | null; signal: string | null }, () => undefined), 'wrapix to exit', 90_000)
    const exitedAt = Date.now()
    expect(processAlive(wrapixPid)).toBe(false)
    expect(ended.signal, 'wrapix must not crash on the closed terminal (SIGABRT is Node failing to restore it)').toBeNull()
    expect(ended.code).not.toBe(0)

    const [record] = await recordsOf(project.dir)
    expect(record).toMatchObject({ id: sessionId, exitStatus: 'signal', interruption: { cause: 'signal', signal: 'SIGHUP' }, host: { finalizedBy: 'session' } })
    const end = Date.parse(record!.end)
    expect(end).toBeGreaterThanOrEqual(closedAt - 1000)
    expect(end).toBeLessThanOrEqual(exitedAt + 1000)
    await expectNothingLeft([sessionId, container.id])
  })

  it.each(['podman', 'conmon'] as const)('SIGKILL of %s: the sandbox is removed, wrapix says so and the record names the helper', async (helper) => {
    const wrapix = start(['sleep', '300'])
    const container = await waitForRunningContainer(project.dir, home)
    const pid = helper === 'podman' ? await childNamed(wrapix.pid!, 'podman') : (await containerPids(container, home)).conmon
    process.kill(pid, 'SIGKILL')
    const result = await wrapix
    expect(result.signal, String(result.stderr)).toBeUndefined()
    expect(result.exitCode).toBe(125)
    expect(String(result.stderr)).toMatch(helper === 'podman' ? /the session ended early: podman was killed \(SIGKILL\)/ : /the session ended early: the sandbox's monitor \(conmon\) died/)
    const [record] = await recordsOf(project.dir)
    expect(record).toMatchObject({ exitCode: null, exitStatus: 'unknown', interruption: { cause: 'helper' }, host: { finalizedBy: 'session' } })
    expect(record!.interruption!.detail).toContain(helper === 'podman' ? 'podman was killed' : 'conmon')
    await expectNothingLeft([container.labels['wrapix.session']!, container.id])
  })

  it("SIGKILL of the container's init: the session ends with 137, recorded, nothing left", async () => {
    const wrapix = start(['sleep', '300'])
    const container = await waitForRunningContainer(project.dir, home)
    process.kill((await containerPids(container, home)).init, 'SIGKILL')
    const result = await wrapix
    expect(result.signal, String(result.stderr)).toBeUndefined()
    expect(result.exitCode).not.toBe(0)
    const [record] = await recordsOf(project.dir)
    expect(record!.exitCode).toBe(result.exitCode)
    expect(record!.host.finalizedBy).toBe('session')
    await expectNothingLeft([container.labels['wrapix.session']!, container.id])
  })

  it('the agent kills its relay: the sandbox is offline (fail closed), with loopback only, and the session still ends cleanly', async () => {
    // Before: the proxy answers through the relay (403 for a host not allowed). After: nothing listens.
    const probe = 'if curl -s -m 5 -o /dev/null -x http://127.0.0.1:3128 http://wrapix-probe.invalid/; then echo NET=open; else echo NET=closed; fi'
    const script = `${probe}; pkill -9 -x socat; sleep 1; ${probe}; echo "IFACES=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\\n' ,)"`
    const result = await start(['sh', '-c', script])
    expect(result.exitCode, String(result.stderr)).toBe(0)
    expect(String(result.stdout).match(/NET=\w+/g)).toEqual(['NET=open', 'NET=closed'])
    expect(String(result.stdout)).toContain('IFACES=lo,')
    const [record] = await recordsOf(project.dir)
    expect(record).toMatchObject({ exitCode: 0, exitStatus: 'exited', host: { finalizedBy: 'session' } })
    await expectNothingLeft([record!.id])
  })

  it.each([
    ['two SIGTERMs in quick succession', ['SIGTERM', 'SIGTERM']],
    ['two SIGINTs in quick succession', ['SIGINT', 'SIGINT']],
  ] as const)('%s: teardown runs, the record is written, nothing is left', async (_name, signals) => {
    const wrapix = start(['sleep', '300'])
    const container = await waitForRunningContainer(project.dir, home)
    for (const signal of signals) {
      wrapix.kill(signal)
      await sleep(20)
    }
    const result = await wrapix
    expect(result.signal, String(result.stderr)).toBeUndefined()
    expect(result.exitCode).toBeGreaterThan(128)
    const [record] = await recordsOf(project.dir)
    expect(record).toMatchObject({ exitStatus: 'signal', interruption: { cause: 'signal', signal: signals[0] } })
    await expectNothingLeft([container.labels['wrapix.session']!, container.id])
  })

  it('signals all through teardown (every 25 ms until its last step, the session dir, is done) do not cut it short', async () => {
    const wrapix = start(['sleep', '300'])
    const container = await waitForRunningContainer(project.dir, home)
    const sessionDir = sessionRuntimeDir(home, container.labels['wrapix.session']!)
    let done = false
    void wrapix.finally(() => (done = true))
    const kinds = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const
    // Until teardown's last step; Node's own exit afterwards restores the default actions (not wrapix's to hold).
    for (let i = 0; !done && existsSync(sessionDir); i++) {
      try {
        wrapix.kill(kinds[i % kinds.length])
      } catch {
        break
      }
      await sleep(25)
    }
    const result = await wrapix
    expect(result.signal, String(result.stderr)).toBeUndefined()
    const [record] = await recordsOf(project.dir)
    expect(record).toMatchObject({ interruption: { cause: 'signal', signal: 'SIGTERM' }, host: { finalizedBy: 'session' } })
    await expectNothingLeft([container.labels['wrapix.session']!, container.id])
  })
})
