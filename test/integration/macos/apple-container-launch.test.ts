// The macOS launch flow end to end on Linux: host checks, staging, the proxy socket, the run, teardown and the
// record, with Apple's `container` replaced by a fake (test/helpers/fake-container.ts) and the host facts of a
// Mac (probeHost mocked, the same seam as test/unit/cli/main.test.ts). What this does not prove: that a real
// `container` and VM behave as apple/container's sources say (see README, "What runs where").
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { HostFacts } from '../../../src/host/facts.js'
import { writeFakeContainer, type FakeRun } from '../../helpers/fake-container.js'
import { captureMain, stubIsolatedEnv, useIsolatedProject, type MainResult } from '../../helpers/in-process-main.js'
import { readRecordFile } from '../../helpers/session-record.js'

const fake = vi.hoisted(() => ({ host: undefined as HostFacts | undefined }))
vi.mock('../../../src/host/probe.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/host/probe.js')>()
  return { ...real, probeHost: (env?: NodeJS.ProcessEnv) => fake.host ?? real.probeHost(env) }
})
const { main } = await import('../../../src/cli/main.js')

const SECRET = 'sk-test-Zq7XbW2mK9pLr4Ty8Hn3Vc6Jd1Fs5Ga0Qe'
const IMAGE = 'localhost/wrapix-base:bookworm'
const dirs = useIsolatedProject('wrapix-int-mac-')
let root: string, home: string, project: string, runtimeBase: string, bin: string, logFile: string

const run = (args: string[]): Promise<MainResult> => captureMain(main, args)

const calls = (): { argv: string[] }[] => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [])
const runCall = (): FakeRun => calls().find((c) => c.argv[0] === 'run') as FakeRun

function macHost(): HostFacts {
  // A Mac user's ids (staff is gid 20), whoever runs the test: they only shape the planned account and argv.
  const [uid, gid] = [501, 20]
  return {
    os: 'darwin', osRelease: '25.0.0', arch: 'arm64', cpus: 4,
    user: { uid, gid, name: 'ada', home },
    podman: { path: null, version: null, rootless: uid !== 0 },
    runtimes: { krun: null, runsc: null, crun: null },
    kvm: { usable: false, reason: 'macOS' },
    appleContainer: bin,
    cgroup: 'unknown',
    subIds: { uid: null, gid: null },
    caBundle: null,
    tools: { setpriv: null },
  }
}

beforeAll(() => {
  ;({ root, home, project } = dirs)
  runtimeBase = join(root, 'run')
  for (const dir of [join(root, 'bin'), join(root, 'secret-dir')]) mkdirSync(dir)
  bin = writeFakeContainer(join(root, 'bin'), { exitCode: 7 })
  writeFileSync(join(root, 'secret-dir', 'data.txt'), 'data for the sandbox\n', { mode: 0o640 })
  writeFileSync(join(root, 'secret-dir', 'neighbour.txt'), 'must not be shared\n')
})
beforeEach(() => {
  fake.host = macHost()
  logFile = join(root, `calls-${Math.random().toString(36).slice(2)}.jsonl`)
  stubIsolatedEnv(home, runtimeBase, { FAKE_CONTAINER_LOG: logFile, PATH: `${join(root, 'bin')}:${process.env.PATH}` })
})

describe('a macOS session with a fake `container`', () => {
  it('checks the Mac, stages single files alone, hands the live proxy socket over, tears down and records', async () => {
    const data = join(root, 'secret-dir', 'data.txt')
    const { code, stderr } = await run(['--network', 'limit', '--image', IMAGE, '-e', `API_TOKEN=${SECRET}`, '-v', `${data}:/data/data.txt:ro`, '--', 'true'])
    expect(stderr).not.toContain(SECRET)
    expect(code).toBe(7) // the sandbox's exit code comes back

    // Checks before the launch: `container --version` and `system status` ran first.
    const all = calls().map((c) => c.argv.slice(0, 2).join(' '))
    expect(all.indexOf('--version')).toBeGreaterThanOrEqual(0)
    expect(all.indexOf('system status')).toBeGreaterThanOrEqual(0)
    expect(all.indexOf('run --rm')).toBeGreaterThan(Math.max(all.indexOf('--version'), all.indexOf('system status')))
    const call = runCall()
    expect(call.argv.slice(0, 2)).toEqual(['run', '--rm'])
    expect(call.argv).toEqual(expect.arrayContaining(['--network', 'none', '--no-dns', '--init']))

    // The secret reached `container`'s environment by name only.
    expect(call.argv).toContain('API_TOKEN')
    expect(call.argv.join(' ')).not.toContain(SECRET)
    expect(call.inherited.API_TOKEN).toBe(SECRET)

    // The proxy socket: mounted with -v, mode 0666 (the VM's copy is root's with this mode), alive and deciding.
    const socket = call.volumes.find((v) => v.kind === 'socket')!
    expect(socket.spec).toMatch(/\/net\/proxy\.sock:\/run\/wrapix\/proxy\.sock$/)
    expect(socket.mode).toBe(0o666)
    expect(call.proxyAnswer).toMatch(/^HTTP\/1\.1 403/)

    // The single file: a copy, alone in its directory, same mode; its real neighbours are not shared.
    const staged = call.volumes.find((v) => v.spec.endsWith(':/data/data.txt:ro'))!
    expect(staged).toMatchObject({ kind: 'file', mode: 0o640, content: 'data for the sandbox\n', siblings: ['data.txt'] })
    expect(staged.spec.startsWith(data)).toBe(false)
    // passwd and group for the host uid, staged the same way.
    const passwd = call.volumes.find((v) => v.spec.endsWith(':/etc/passwd:ro'))!
    expect(passwd.content).toContain('wrapix:x:501:20:wrapix sandbox:/home/wrapix:/bin/sh')
    expect(call.argv).toEqual(expect.arrayContaining(['--user', '501:20']))
    expect(passwd.siblings).toEqual(['passwd'])
    // Every --mount source is a directory (Apple refuses anything else).
    expect(Object.values(call.bindDirs).every(Boolean)).toBe(true)

    // Teardown: the session directory (socket, staged copies) is gone.
    expect(readdirSync(join(runtimeBase, 'wrapix')).filter((d) => /^[0-9a-f]{12}$/.test(d))).toEqual([])

    // The record: runtime apple-container, the argv (masked), the exit code.
    const logDir = join(project, '.wrapix', 'log')
    const recordFile = readdirSync(logDir).find((f) => f.endsWith('.json'))!
    const record = readRecordFile(join(logDir, recordFile))
    expect(record.runtime).toBe('apple-container')
    expect(record.boundary).toBe('microvm')
    expect(record.exitCode).toBe(7)
    expect(record.argv.slice(0, 2)).toEqual(['run', '--rm'])
  })

  it('refuses a writable single file before anything starts', async () => {
    const { code, stderr } = await run(['--network', 'none', '--image', IMAGE, '-v', `${join(root, 'secret-dir', 'data.txt')}:/data.txt`, '--', 'true'])
    expect(code).toBe(2)
    expect(stderr).toContain('on macOS a single file can only be mounted read-only')
    expect(runCall()).toBeUndefined()
  })

  it('stops with the fix when the services are not running, and starts nothing', async () => {
    const dir = join(root, `bin-down-${Math.random().toString(36).slice(2)}`)
    mkdirSync(dir)
    fake.host = { ...macHost(), appleContainer: writeFakeContainer(dir, { status: 'unregistered' }) }
    const { code, stderr } = await run(['--network', 'none', '--image', IMAGE, '--', 'true'])
    expect(code).toBe(4)
    expect(stderr).toContain("Apple's container services are not running")
    expect(stderr).toContain('container system start')
    expect(runCall()).toBeUndefined()
  })
})
