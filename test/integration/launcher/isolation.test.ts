// What the sandbox can see and change on the host: only /workspace and declared mounts, read-only mounts
// refuse writes, and files it creates belong to the invoking user.
import { randomBytes } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempProject, type TempProject } from '../../helpers/cli.js'
import { removeContainersByLabel, requirePodman } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, runInSandbox } from '../../helpers/sandbox.js'

const podman = await requirePodman()

/**
 * Polls the host for gVisor kernels (runsc-sandbox processes) and the seccomp mode each showed last. The
 * Sentry installs its filter once it has started, so only kernels watched for a second or more count
 * (another test's sandbox may just be starting when the watch stops).
 */
function watchGvisorSentries(): { stop(): Promise<Map<number, string>> } {
  const seen = new Map<number, { firstMs: number; lastMs: number; mode: string }>()
  let running = true
  const loop = (async () => {
    while (running) {
      for (const entry of await readdir('/proc').catch(() => [] as string[])) {
        if (!/^\d+$/.test(entry)) continue
        const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')
        if (!cmdline.startsWith('runsc-sandbox\0')) continue
        const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '')
        const mode = /^Seccomp:\s+(\d)$/m.exec(status)?.[1]
        const now = Date.now()
        if (mode) seen.set(Number(entry), { firstMs: seen.get(Number(entry))?.firstMs ?? now, lastMs: now, mode })
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return new Map([...seen].filter(([, s]) => s.lastMs - s.firstMs >= 1000).map(([pid, s]) => [pid, s.mode]))
    },
  }
}

/** Lists every path named `name` anywhere in the sandbox (all mounts, but not /proc or /sys). */
const findEverywhere = (name: string): string[] => ['sh', '-c', `find / \\( -path /proc -o -path /sys \\) -prune -o -name '${name}' -print 2>/dev/null; true`]

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('sandbox isolation (%s boundary)', (boundary) => {
  let project: TempProject
  let outside: TempProject // a folder next to the project that the sandbox must not see unless mounted
  let canary: string
  beforeEach(async () => {
    canary = `canary-${randomBytes(6).toString('hex')}`
    project = await tempProject({ 'in-project.txt': 'project file\n' })
    outside = await tempProject({ [canary]: 'secret outside the project\n' }, 'wrapix-outside-')
  })
  afterEach(async () => {
    await removeContainersByLabel({ 'wrapix.workspace': project.dir })
    await project.cleanup()
    await outside.cleanup()
  })

  it('shows the project at /workspace and nothing of the host outside it', async () => {
    const result = await runInSandbox(boundary, project.dir, ['sh', '-c', `cat /workspace/in-project.txt; ${findEverywhere(canary)[2]}`])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('project file')
    expect(result.stdout).not.toContain(canary)
  })

  it('shows a folder declared with -v at its destination', async () => {
    const result = await runInSandbox(boundary, project.dir, findEverywhere(canary), { flags: ['-v', `${outside.dir}:/data:ro`] })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual([`/data/${canary}`])
  })

  it('refuses writes through a :ro mount and leaves the host file unchanged', async () => {
    const result = await runInSandbox(boundary, project.dir, ['sh', '-c', `echo changed > /data/${canary} && echo WROTE; touch /data/new-file && echo CREATED; true`], {
      flags: ['-v', `${outside.dir}:/data:ro`],
    })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).not.toMatch(/WROTE|CREATED/)
    await expect(stat(join(outside.dir, 'new-file'))).rejects.toThrow()
    expect(await readFile(join(outside.dir, canary), 'utf8')).toBe('secret outside the project\n')
  })

  it('allows writes through a :rw mount', async () => {
    const result = await runInSandbox(boundary, project.dir, ['sh', '-c', 'echo from-sandbox > /data/written.txt'], {
      flags: ['-v', `${outside.dir}:/data:rw`],
    })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(await readFile(join(outside.dir, 'written.txt'), 'utf8')).toBe('from-sandbox\n')
  })

  it('creates /workspace files owned by the invoking user on the host', async () => {
    const result = await runInSandbox(boundary, project.dir, ['sh', '-c', 'echo x > made-in-sandbox.txt && mkdir made-dir'])
    expect(result.exitCode, result.stderr).toBe(0)
    const [file, dir] = await Promise.all([stat(join(project.dir, 'made-in-sandbox.txt')), stat(join(project.dir, 'made-dir'))])
    const me = { uid: process.getuid!(), gid: process.getgid!() }
    expect({ uid: file.uid, gid: file.gid }).toEqual(me)
    expect({ uid: dir.uid, gid: dir.gid }).toEqual(me)
  })

  it('runs the command with no capabilities and no way to gain privileges', async () => {
    const result = await runInSandbox(boundary, project.dir, ['sh', '-c', 'grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs):" /proc/self/status'])
    expect(result.exitCode, result.stderr).toBe(0)
    const status = Object.fromEntries(result.stdout.trim().split('\n').map((l) => l.split(/:\s+/) as [string, string]))
    expect(status.CapEff).toMatch(/^0+$/)
    expect(status.CapPrm).toMatch(/^0+$/)
    expect(status.CapBnd).toMatch(/^0+$/)
    // gVisor's /proc does not show NoNewPrivs; where the kernel shows it, it must be set.
    if (boundary === 'container') expect(status.NoNewPrivs).toBe('1')
  })

  // podman's default seccomp profile answers vmsplice with EPERM under crun. Under gVisor the call never
  // reaches the host kernel: gVisor's own kernel answers it (ENOSYS), and that kernel (runsc-sandbox)
  // runs under runsc's host seccomp filter, checked on the host while the sandbox runs.
  // (unshare -U is no test of either: the profile allows unshare, and it succeeds under crun too.)
  it("keeps the sandbox's system calls behind a seccomp filter", async () => {
    const script = '$r = syscall(278, -1, 0, 0, 0); print "vmsplice=", $!+0, "\\n"; open(S, "/proc/self/status"); print grep(/^Seccomp:/, <S>); sleep 2'
    const sentries = boundary === 'gvisor' ? watchGvisorSentries() : null
    const result = await runInSandbox(boundary, project.dir, ['perl', '-e', script])
    expect(result.exitCode, result.stderr).toBe(0)
    if (boundary === 'container') {
      expect(result.stdout).toContain('vmsplice=1\n')
      expect(result.stdout).toMatch(/^Seccomp:\s+2$/m)
    } else {
      expect(result.stdout).toContain('vmsplice=38\n')
      const seen = await sentries!.stop()
      expect(seen.size).toBeGreaterThan(0)
      for (const [pid, mode] of seen) expect(mode, `runsc-sandbox ${pid}`).toBe('2')
    }
  })
})
