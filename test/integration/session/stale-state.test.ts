// What a reboot or a killed wrapix leaves, and what other users leave, met by a real run. Simulated reboot:
// journals whose wrapix pid is gone (one started before this host's boot), a session dir whose owner is gone.
// The run recovers its own records with the best end it can prove, says why, removes only its own stale
// state, and never touches (or fails on) another user's journal or session dir. As root and as a normal user.
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hostBootTime } from '../../../src/session/finalize-stale.js'
import { recordBaseName } from '../../../src/session/log-paths.js'
import { isolatedHome, requireBuiltCli, spawnWrapix, tempProject, type IsolatedHome, type TempProject } from '../../helpers/cli.js'
import { leftoversOf, NOTHING_LEFT } from '../../helpers/leftovers.js'
import { removeContainersByLabel, requirePodman, sessionRuntimeDir } from '../../helpers/podman.js'
import { recordsOf } from '../../helpers/running-session.js'
import { RUNNABLE_BOUNDARIES, sandboxFlags } from '../../helpers/sandbox.js'
import { RUN_AS, runAsLabel, type TestUser } from '../../helpers/test-user.js'

const podman = await requirePodman()
const CASES = RUNNABLE_BOUNDARIES.flatMap((boundary) => RUN_AS.map((user) => [boundary, runAsLabel(user), user] as const))
/** Above the kernel's pid_max (2^22): no process has it, as after a reboot. */
const DEAD_PID = 2 ** 22 + 1
const NOBODY = 65534
const MINUTE = 60_000

const hexId = () => Array.from({ length: 12 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('')

function journalEntry(id: string, start: Date, boundary: string) {
  return {
    journalVersion: 1, id, baseName: recordBaseName(start, id), start: start.toISOString(), pid: DEAD_PID, pidStartTicks: '1',
    mode: 'command', taskId: null, agent: 'shell', agentSessionId: null, boundary, runtime: boundary === 'gvisor' ? 'runsc' : 'crun',
    image: { ref: 'localhost/wrapix-base:bookworm', id: null }, profile: { name: 'base', digest: 'sha256:0' }, argv: ['run', '--rm'],
    policy: { mode: 'none', digest: null }, gitBefore: { available: false, reason: 'not a git repository' },
  }
}

describe.skipIf(!podman).each(CASES)('stale state at the start of a run (%s boundary, %s)', (boundary, _label, user) => {
  let project: TempProject
  let home: IsolatedHome
  const planted: string[] = []
  beforeEach(async () => {
    requireBuiltCli()
    project = await tempProject({}, 'wrapix-proj-', user)
    home = await isolatedHome(user)
    // Root's runs get a runtime dir of their own here (rootful podman keeps its state elsewhere), so the
    // planted dirs meet no other test's run; the normal user's is its /run/user/UID, as podman needs.
    if (!user) {
      home.env.XDG_RUNTIME_DIR = join(home.root, 'run')
      mkdirSync(home.env.XDG_RUNTIME_DIR, { mode: 0o700 })
    }
  })
  afterEach(async () => {
    await removeContainersByLabel({ 'wrapix.workspace': project.dir }, user)
    for (const path of planted.splice(0)) execFileSync('rm', ['-rf', path])
    await project.cleanup()
    await home.cleanup()
  })

  const owned = (path: string, who: TestUser | null | 'other') => {
    const [uid, gid] = who === 'other' ? (user ? [0, 0] : [NOBODY, NOBODY]) : who ? [who.uid, who.gid] : [0, 0]
    chownSync(path, uid, gid)
    return path
  }

  it('recovers its own records (reboot, killed wrapix) with the best provable end, removes its own stale dir, leaves other users alone', async () => {
    const boot = hostBootTime()!
    const logDir = join(project.dir, '.wrapix', 'log')
    const journals = join(logDir, '.journal')
    mkdirSync(journals, { recursive: true })
    for (const dir of [join(project.dir, '.wrapix'), logDir]) owned(dir, user)
    execFileSync('chmod', ['1777', journals]) // a shared project: every user writes its journal here
    owned(journals, user)

    // Started before this boot: its network log's last write (before the boot) is the best provable end.
    const rebootedId = hexId()
    const rebootedStart = new Date(boot.getTime() - 60 * MINUTE)
    const rebooted = journalEntry(rebootedId, rebootedStart, boundary)
    const rebootedNet = join(logDir, `${rebooted.baseName}.network.jsonl`)
    writeFileSync(rebootedNet, '')
    utimesSync(rebootedNet, new Date(boot.getTime() - 10 * MINUTE), new Date(boot.getTime() - 10 * MINUTE))
    const rebootedJournal = join(journals, `${rebootedId}.json`)
    writeFileSync(rebootedJournal, JSON.stringify(rebooted))
    utimesSync(rebootedJournal, rebootedStart, rebootedStart)
    // Killed after this boot: its journal's last write (the heartbeat) is the end.
    const killedId = hexId()
    const killedStart = new Date(Date.now() - 30 * MINUTE)
    const killed = journalEntry(killedId, killedStart, boundary)
    const killedJournal = join(journals, `${killedId}.json`)
    writeFileSync(killedJournal, JSON.stringify(killed))
    const heartbeat = new Date(Math.floor((Date.now() - 20 * MINUTE) / 1000) * 1000) // whole seconds: mtimes round-trip exactly
    utimesSync(killedJournal, heartbeat, heartbeat)
    for (const path of [rebootedNet, rebootedJournal, killedJournal]) owned(path, user)
    // Another user's dead session in the same project: theirs to recover.
    const foreignId = hexId()
    const foreignJournal = join(journals, `${foreignId}.json`)
    writeFileSync(foreignJournal, JSON.stringify(journalEntry(foreignId, killedStart, boundary)))
    owned(foreignJournal, 'other')

    // Session dirs under the runtime dir: our own stale one goes; another user's stays (even with a dead owner).
    const ownStale = sessionRuntimeDir(home, hexId())
    const foreignStale = sessionRuntimeDir(home, hexId())
    for (const [dir, who] of [[ownStale, user], [foreignStale, 'other']] as const) {
      mkdirSync(join(dir, 'net'), { recursive: true })
      writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: DEAD_PID, startTicks: '1' }))
      writeFileSync(join(dir, 'net', 'proxy.sock'), '')
      for (const path of [dir, join(dir, 'net'), join(dir, 'owner.json'), join(dir, 'net', 'proxy.sock')]) owned(path, who)
      execFileSync('chmod', ['0700', dir]) // as wrapix makes them
      planted.push(dir)
    }
    const runtimeRoot = join(ownStale, '..')
    if (user) owned(runtimeRoot, user)

    const result = await spawnWrapix(['run', project.dir, ...sandboxFlags(boundary), '--', 'true'], { home, timeoutMs: 180_000 })
    expect(result.exitCode, String(result.stderr)).toBe(0)

    const records = await recordsOf(project.dir)
    const byId = new Map(records.map((r) => [r.id, r]))
    expect(byId.get(rebootedId)).toMatchObject({
      exitCode: null, exitStatus: 'unknown', host: { finalizedBy: 'recovery' },
      interruption: { cause: 'host-restarted', endFrom: 'network-log' },
      end: new Date(boot.getTime() - 10 * MINUTE).toISOString(),
    })
    expect(byId.get(killedId)).toMatchObject({
      host: { finalizedBy: 'recovery' }, interruption: { cause: 'wrapix-died', endFrom: 'journal' }, end: heartbeat.toISOString(),
    })
    expect(byId.has(foreignId)).toBe(false)
    expect(records.filter((r) => r.host.finalizedBy === 'session').map((r) => r.exitCode)).toEqual([0])
    // Only the other user's journal is left, untouched; their session dir too. Ours went.
    expect(readdirSync(journals)).toEqual([`${foreignId}.json`])
    expect(existsSync(foreignStale)).toBe(true)
    expect(existsSync(join(foreignStale, 'net', 'proxy.sock'))).toBe(true)
    expect(existsSync(ownStale)).toBe(false)
    const left = await leftoversOf(project.dir, home)
    expect({ ...left, sessionDirs: left.sessionDirs.filter((d) => d !== foreignStale) }).toEqual({ ...NOTHING_LEFT, journals: [`${foreignId}.json`] })

    // `wrapix log ls` tells recovered sessions apart, and why.
    const ls = await spawnWrapix(['log', 'ls', '-C', project.dir, '--no-color'], { home })
    const row = (id: string) => String(ls.stdout).split('\n').find((line) => line.includes(id.slice(0, 8))) ?? ''
    expect(row(rebootedId)).toMatch(/\? \(recovered: host restarted\)/)
    expect(row(killedId)).toMatch(/\? \(recovered\)/)
    expect(String(ls.stdout).split('\n').filter((line) => line.includes('recovered'))).toHaveLength(2)
    const json = await spawnWrapix(['log', 'ls', '-C', project.dir, '--json'], { home })
    const entries = JSON.parse(String(json.stdout)) as { id: string; finalizedBy: string; interruption: { cause: string } | null }[]
    expect(entries.find((e) => e.id === rebootedId)).toMatchObject({ finalizedBy: 'recovery', interruption: { cause: 'host-restarted' } })
  })
})
