// What the sandbox can see and change on the host: only /workspace and declared mounts, read-only mounts
// refuse writes, and files it creates belong to the invoking user.
import { randomBytes } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempProject, type TempProject } from '../../helpers/cli.js'
import { removeContainersByLabel, requirePodman } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, runInSandbox } from '../../helpers/sandbox.js'

const podman = await requirePodman()

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

  // podman's default seccomp profile answers vmsplice with EPERM. Under gVisor it applies only with runsc's
  // --oci-seccomp; without it the call reaches gVisor's kernel (ENOSYS) and /proc shows no filter.
  // (unshare -U is no test of it: the profile allows unshare, and it succeeds under crun too.)
  it("enforces podman's seccomp profile", async () => {
    const script = '$r = syscall(278, -1, 0, 0, 0); print "vmsplice=", $!+0, "\\n"; open(S, "/proc/self/status"); print grep(/^Seccomp:/, <S>)'
    const result = await runInSandbox(boundary, project.dir, ['perl', '-e', script])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('vmsplice=1\n')
    expect(result.stdout).toMatch(/^Seccomp:\s+2$/m)
  })
})
