// The agent tries to leave setuid/setgid files in the project (chmod u+s / g+s, install -m 4755, open with
// O_CREAT and mode 04755). Under crun the seccomp profile refuses each with EPERM; under gVisor they may
// succeed inside. Either way no project file on the host keeps S_ISUID/S_ISGID after the session, the
// summary and the record name what was cleared, a setuid file the user had before is left alone, and a
// link the agent planted to a host setuid binary is not followed. As root and as the rootless test user.
import { chmod, chown, lstat, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scanSetidFiles } from '../../../src/session/setid-sweep.js'
import { requirePodman } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, runInSandbox, useSandboxProject } from '../../helpers/sandbox.js'
import { readRecordFile } from '../../helpers/session-record.js'
import { RUN_AS, runAsLabel } from '../../helpers/test-user.js'

const podman = await requirePodman()
const HOST_SUID = '/usr/bin/passwd'

const script = [
  'cd /workspace',
  'touch u g && chmod 755 u g',
  'chmod u+s u; echo "chmod_u=$?"',
  'chmod g+s g; echo "chmod_g=$?"',
  'install -m 4755 /bin/true inst; echo "install=$?"',
  'touch nr && chmod 4111 nr; echo "chmod_nr=$?"', // its owner cannot open it to read: the host pins it with O_PATH
  `python3 -c 'import os
try:
    os.close(os.open("py", os.O_CREAT | os.O_WRONLY, 0o4755)); print("py=0")
except OSError as e:
    print("py=" + e.strerror)'`,
  `ln -s ${HOST_SUID} passwd-link`,
  'chmod u+s passwd-link 2>/dev/null', // follows the link inside: the image's own passwd, never the host's
  // What the sandbox itself sees afterwards: name and octal mode of each file that exists.
  `python3 -c 'import os, sys
for f in sys.argv[1:]:
    if os.path.isfile(f): print("mode_%s=%o" % (f, os.stat(f).st_mode & 0o7777))' u g inst nr py`,
  'exit 0',
].join('\n')

const pairs = (stdout: string): Record<string, string> =>
  Object.fromEntries(stdout.split('\n').filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))

describe.skipIf(!podman).each(RUN_AS.flatMap((user) => RUNNABLE_BOUNDARIES.map((boundary) => ({ user, boundary, who: runAsLabel(user) }))))(
  'setuid/setgid files from the sandbox, $boundary $who',
  ({ user, boundary }) => {
    const sandbox = useSandboxProject('each', user)

    it('none stays on the host: refused under crun, cleared after the session; the user\'s own is kept; no link followed', async () => {
      const hostSuidMode = (await stat(HOST_SUID)).mode
      expect(hostSuidMode & 0o4000).toBe(0o4000) // the test needs a setuid binary on the host
      const mine = join(sandbox.project.dir, 'mine-suid')
      await writeFile(mine, '#!/bin/sh\n')
      if (user) await chown(mine, user.uid, user.gid) // before chmod: chown clears the bits
      await chmod(mine, 0o4750)
      await new Promise((r) => setTimeout(r, 1100)) // older than the session's start, ctime included

      const result = await runInSandbox(boundary, sandbox.project.dir, ['sh', '-c', script], { home: sandbox.home, timeoutMs: 180_000 })
      expect(result.exitCode, result.stderr).toBe(0)
      const inside = pairs(result.stdout)

      if (boundary === 'container') {
        // seccomp: every attempt fails with EPERM, nothing setid ever exists.
        expect(inside).toMatchObject({ chmod_u: '1', chmod_g: '1', install: '1', chmod_nr: '1', py: 'Operation not permitted' })
        expect(result.stderr).toContain("chmod: changing permissions of 'u': Operation not permitted")
        for (const f of ['u', 'g', 'inst', 'nr', 'py']) expect(Number.parseInt(inside[`mode_${f}`] ?? '0', 8) & 0o6000, f).toBe(0)
      }
      const setInside = ['u', 'g', 'inst', 'nr', 'py'].filter((f) => Number.parseInt(inside[`mode_${f}`] ?? '0', 8) & 0o6000).sort()
      // gVisor's own kernel lets the owner chmod the bits (it drops them on open(O_CREAT, 04755) itself).
      if (boundary === 'gvisor') expect(setInside, result.stdout).toEqual(expect.arrayContaining(['g', 'inst', 'nr', 'u']))

      // On the host: only the user's own file is still setid, untouched.
      const left = await scanSetidFiles(sandbox.project.dir)
      expect(left.files.map((f) => f.path)).toEqual(['mine-suid'])
      expect((await stat(mine)).mode & 0o7777).toBe(0o4750)
      expect((await lstat(join(sandbox.project.dir, 'passwd-link'))).isSymbolicLink()).toBe(true)
      expect((await stat(HOST_SUID)).mode).toBe(hostSuidMode)

      // The summary and the record name what was cleared.
      const log = join(sandbox.project.dir, '.wrapix', 'log')
      const record = readRecordFile(join(log, (await readdir(log)).find((n) => n.endsWith('.json') && !n.endsWith('.network.json'))!))
      expect(record.setidSweep?.failed).toEqual([])
      expect(record.setidSweep?.unsearched).toEqual([])
      expect(record.setidSweep?.cleared.map((f) => f.path).sort()).toEqual(setInside)
      if (setInside.length > 0) {
        expect(result.stderr).toContain('the sandbox left setuid/setgid files in the project; wrapix cleared the bits:')
        for (const f of setInside) expect(result.stderr).toMatch(new RegExp(`\\b${f} \\(was [0-7]{4}\\)`))
      } else {
        expect(result.stderr).not.toContain('setuid/setgid')
      }
    })
  },
)
