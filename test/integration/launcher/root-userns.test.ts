// wrapix invoked as root: no process of the sandbox is host root where the boundary allows it. Under crun
// the sandbox runs in a user namespace of its own (a subordinate range per session, binds id-mapped); under
// gVisor the agent runs in gVisor's kernel, which runsc runs as host nobody. Either way files the agent
// creates in /workspace are root's, its git commit comes back, and the limit network works — two sessions at once.
import { mkdir, readFile, readdir, readlink, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import { parseSubIdEntries } from '../../../src/host/root-userns.js'
import { isolatedHome, runWrapix, tempProject, type IsolatedHome, type TempProject, type WrapixResult } from '../../helpers/cli.js'
import { curlLine, printedPairs, useTargets } from '../../helpers/network-targets.js'
import { BASE_IMAGE, removeContainersByLabel, requirePodman } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES } from '../../helpers/sandbox.js'

const podman = await requirePodman()
const asRoot = process.getuid?.() === 0

const targets = useTargets('127.0.0.2')

/** The work of one session, then a wait (bounded) so the host can look at the running sandbox. */
const script = (tls: number): string => [
  `echo "UIDMAP=$(tr -s ' ' < /proc/self/uid_map | sed 's/^ //')"`,
  'echo inside > /workspace/made-inside',
  'git -c user.name=agent -c user.email=agent@test commit -q --allow-empty -m "from the sandbox" && echo COMMIT=ok',
  curlLine('https', `https://api.test:${tls}/`),
  // A root-only file in a 0700 directory (as deploy keys are kept), and the agent's 0700 config directory.
  'echo "SECRET=$(cat /data/secret)"',
  'echo kept > /home/wrapix/.claude/probe && echo AGENTCFG=ok',
  'touch /workspace/.ready',
  'i=0; while [ ! -e /workspace/.go ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done',
].join('\n')

async function gitProject(): Promise<TempProject> {
  const project = await tempProject({ 'README.md': 'root userns\n' }, 'wrapix-rootns-')
  const git = (...args: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@test', ...args], { cwd: project.dir })
  await git('init', '-q')
  await git('add', '.')
  await git('commit', '-q', '-m', 'start')
  return project
}

async function waitFor(path: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await stat(path).then(() => true, () => false)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${path} did not appear in ${timeoutMs} ms`)
}

interface HostProcess {
  readonly pid: number
  readonly name: string
  readonly uids: number[] // real, effective, saved, filesystem
  readonly uidMap: string
}

async function hostProcess(pid: number): Promise<HostProcess> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const uids = /^Uid:\s+(.*)$/m.exec(status)![1]!.split(/\s+/).map(Number)
  const uidMap = (await readFile(`/proc/${pid}/uid_map`, 'utf8')).trim().replace(/\s+/g, ' ')
  return { pid, name: /^Name:\s+(.*)$/m.exec(status)![1]!, uids, uidMap }
}

/** Every host process in the same pid namespace as `pid` (a crun container's processes). */
async function processesInPidNamespace(pid: number): Promise<HostProcess[]> {
  const ns = await readlink(`/proc/${pid}/ns/pid`)
  const found: HostProcess[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const same = await readlink(`/proc/${entry}/ns/pid`).then((n) => n === ns, () => false)
    if (same) found.push(await hostProcess(Number(entry)).catch(() => null as never))
  }
  return found.filter(Boolean)
}

/** Host processes whose command line names `needle` (runsc's gofer names its container's id). */
async function processesNaming(needle: string): Promise<(HostProcess & { cmdline: string })[]> {
  const found: (HostProcess & { cmdline: string })[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').then((c) => c.replace(/\0/g, ' '), () => '')
    if (cmdline.includes(needle)) found.push({ ...(await hostProcess(Number(entry))), cmdline })
  }
  return found
}

async function containerOf(project: string): Promise<{ id: string; pid: number }> {
  const ps = await execa('podman', ['ps', '--filter', `label=wrapix.workspace=${project}`, '--format', '{{.ID}}', '--no-trunc'])
  const id = ps.stdout.trim().split('\n')[0]!
  const pid = Number((await execa('podman', ['inspect', '--format', '{{.State.Pid}}', id])).stdout.trim())
  return { id, pid }
}

const containersRange = async () => {
  const entry = parseSubIdEntries(await readFile('/etc/subuid', 'utf8')).find((e) => e.owner === 'containers')
  if (!entry) throw new Error('/etc/subuid has no "containers" range (test/setup-host.sh adds it)')
  return entry.range
}

describe.skipIf(!podman || !asRoot).each(RUNNABLE_BOUNDARIES)('wrapix as root, %s boundary: the sandbox is not host root', (boundary) => {
  it('two sessions at once: mapped ids (or nobody), root-owned files, git and the limit network work', async () => {
    const { tlsPort: tls, address, dir: certDir } = targets.current
    const home: IsolatedHome = await isolatedHome()
    const projects = [await gitProject(), await gitProject()]
    const privateDir = join(home.root, 'private')
    await mkdir(privateDir, { mode: 0o700 })
    await writeFile(join(privateDir, 'secret'), 'root-only\n', { mode: 0o600 })
    try {
      const run = (project: TempProject): Promise<WrapixResult> => runWrapix([
        'run', project.dir, '--boundary', boundary, '--image', BASE_IMAGE, '--network', 'limit', '--no-input', '--verbose',
        '--allow', `api.test:${tls}`, '--resolve', `api.test:${address}`, '--allow', address,
        '-v', `${join(certDir, 'cert.pem')}:/certs/cert.pem:ro`, '-v', `${join(privateDir, 'secret')}:/data/secret:ro`,
        '--', 'sh', '-c', script(tls),
      ], { home, timeoutMs: 240_000 })
      const sessions = projects.map(run)
      await Promise.all(projects.map((p) => waitFor(join(p.dir, '.ready'), 180_000)))

      // On the host, while both run.
      const range = await containersRange()
      const seen: HostProcess[][] = []
      for (const project of projects) {
        const { id, pid } = await containerOf(project.dir)
        if (boundary === 'container') {
          const procs = await processesInPidNamespace(pid)
          expect(procs.length).toBeGreaterThanOrEqual(2) // the init and the agent's shell at least
          for (const p of procs) {
            expect(p.uids.every((uid) => uid >= range.start && uid < range.start + range.count), `${p.name} ${p.uids}`).toBe(true)
            expect(p.uidMap).toMatch(new RegExp(`^0 ${p.uids[0]} 65536$`))
          }
          seen.push(procs)
        } else {
          // gVisor: the agent's processes exist only in gVisor's kernel, whose host process runsc runs as nobody.
          const sentry = await hostProcess(pid)
          expect(sentry.uids).toEqual([65534, 65534, 65534, 65534])
          expect(sentry.uidMap).toBe('65534 65534 1')
          // The one host-root process is runsc's file server (gofer), which serves /workspace as root.
          const gofers = (await processesNaming(id)).filter((p) => p.cmdline.startsWith('runsc-gofer'))
          expect(gofers.map((g) => g.uids[0])).toEqual([0])
          seen.push([sentry])
        }
      }
      if (boundary === 'container') expect(seen[0]![0]!.uids[0]).not.toBe(seen[1]![0]!.uids[0]) // a range of its own each
      await Promise.all(projects.map((p) => writeFile(join(p.dir, '.go'), '')))
      const results = await Promise.all(sessions)

      for (const [i, project] of projects.entries()) {
        const result = results[i]!
        expect(result.exitCode, result.stderr).toBe(0)
        const out = printedPairs(result.stdout)
        // Inside: crun shows the subordinate range; gVisor shows its own kernel's identity map.
        if (boundary === 'container') expect(out.UIDMAP).toMatch(/^0 [1-9]\d* 65536$/)
        else expect(out.UIDMAP).toBe('0 0 4294967295')
        expect(out.COMMIT).toBe('ok')
        expect(out.https).toBe('200/200')
        expect(out.SECRET).toBe('root-only')
        expect(out.AGENTCFG).toBe('ok')
        expect(result.stderr).toContain(boundary === 'container' ? 'sandbox user: root inside, a subordinate id on the host' : "sandbox user: root inside gVisor's kernel, no user namespace")
        const made = await stat(join(project.dir, 'made-inside'))
        expect([made.uid, made.gid]).toEqual([0, 0])
        // The record keeps who the sandbox was on the host.
        const recordName = (await readdir(join(project.dir, '.wrapix', 'log'))).find((n) => n.endsWith('.json') && !n.endsWith('.network.jsonl'))!
        const record = JSON.parse(await readFile(join(project.dir, '.wrapix', 'log', recordName), 'utf8'))
        expect(record.sandboxUser).toEqual(boundary === 'container'
          ? { uid: 0, userns: 'auto', size: 65536, reason: null }
          : { uid: 0, userns: 'host', size: null, reason: expect.stringContaining('unknown mount option "idmap"') })
        expect(record.argv.includes('auto:size=65536')).toBe(boundary === 'container')
        const log = await execa('git', ['log', '--format=%s'], { cwd: project.dir })
        expect(log.stdout.split('\n')).toEqual(['from the sandbox', 'start'])
      }
    } finally {
      for (const p of projects) {
        await removeContainersByLabel({ 'wrapix.workspace': p.dir })
        await p.cleanup()
      }
      await home.cleanup()
    }
  }, 300_000)
})
