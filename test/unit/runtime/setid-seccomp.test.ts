import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { assertSetidSeccompBase, deriveSetidSeccomp, PODMAN_DEFAULT_SECCOMP, podmanSeccompBase, setidSeccompPath, writeSetidSeccomp } from '../../../src/runtime/setid-seccomp.js'

const BASE = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 38,
  archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
  syscalls: [
    { names: ['read', 'chmod', 'fchmod', 'fchmodat', 'open', 'openat', 'openat2', 'creat', 'mknod', 'mknodat', 'write'], action: 'SCMP_ACT_ALLOW', args: [], includes: {}, excludes: {} },
    { names: ['chroot'], action: 'SCMP_ACT_ERRNO', args: [], includes: {}, excludes: { caps: ['CAP_SYS_CHROOT'] }, errnoRet: 1 },
  ],
}

type Arg = { index: number; value: number; valueTwo: number; op: string }
type Rule = { names: string[]; action: string; args?: Arg[]; errnoRet?: number }

/** What the filter answers for one call: evaluates the rules as libseccomp does (conditions ANDed, rules ORed). */
function verdict(profile: { defaultAction: string; syscalls: Rule[] }, name: string, args: number[]): string {
  const hits = profile.syscalls.filter(
    (r) => r.names.includes(name) && (r.args ?? []).every((a) => a.op === 'SCMP_CMP_MASKED_EQ' && ((args[a.index] ?? 0) & a.value) === a.valueTwo),
  )
  const actions = new Set(hits.map((r) => (r.action === 'SCMP_ACT_ERRNO' ? `errno ${r.errnoRet}` : 'allow')))
  expect(actions.size, `${name}(${args.join(', ')}) matches rules of different actions`).toBeLessThanOrEqual(1)
  return [...actions][0] ?? 'default'
}

describe('deriveSetidSeccomp', () => {
  const profile = deriveSetidSeccomp(BASE) as unknown as { defaultAction: string; syscalls: Rule[] }
  const O_CREAT = 0o100
  const O_TMPFILE = 0o20200000
  const O_WRONLY = 1

  it('keeps the rest of the base profile as it is', () => {
    expect(profile.defaultAction).toBe('SCMP_ACT_ERRNO')
    expect((profile as unknown as typeof BASE).archMap).toEqual(BASE.archMap)
    expect(verdict(profile, 'read', [])).toBe('allow')
    expect(verdict(profile, 'write', [])).toBe('allow')
    expect(profile.syscalls.find((r) => r.names.includes('chroot'))).toEqual(BASE.syscalls[1])
    expect(deriveSetidSeccomp(BASE)).toEqual(profile) // deterministic
  })

  it.each([
    ['chmod', 1],
    ['fchmod', 1],
    ['fchmodat', 2],
    ['creat', 1],
    ['mknod', 1],
    ['mknodat', 2],
  ])('%s: refused with EPERM when the mode has S_ISUID or S_ISGID, allowed otherwise', (name, index) => {
    const call = (mode: number): string => verdict(profile, name, Object.assign(Array(4).fill(0), { [index]: mode }))
    expect(call(0o4755)).toBe('errno 1')
    expect(call(0o2755)).toBe('errno 1')
    expect(call(0o6755)).toBe('errno 1')
    expect(call(0o104755)).toBe('errno 1') // S_IFREG | 04755 (mknod)
    expect(call(0o755)).toBe('allow')
    expect(call(0o1777)).toBe('allow') // sticky is harmless
    expect(call(0o644)).toBe('allow')
  })

  it.each([
    ['open', 1, 2],
    ['openat', 2, 3],
  ])('%s: refused when it creates (O_CREAT, O_TMPFILE) with a setid mode; anything else allowed', (name, flagsAt, modeAt) => {
    const call = (flags: number, mode: number): string => {
      const args = [0, 0, 0, 0]
      args[flagsAt] = flags
      args[modeAt] = mode
      return verdict(profile, name, args)
    }
    expect(call(O_CREAT | O_WRONLY, 0o4755)).toBe('errno 1')
    expect(call(O_CREAT | O_WRONLY, 0o2755)).toBe('errno 1')
    expect(call(O_TMPFILE | O_WRONLY, 0o4755)).toBe('errno 1')
    expect(call(O_CREAT | O_WRONLY, 0o755)).toBe('allow')
    expect(call(O_WRONLY, 0o4755)).toBe('allow') // no file is created: the mode is ignored by the kernel
    expect(call(0, 0)).toBe('allow')
  })

  it('refuses openat2 with ENOSYS (its mode is in a struct) and adds no rule for a call the base refuses', () => {
    expect(verdict(profile, 'openat2', [])).toBe('errno 38')
    expect(verdict(profile, 'fchmodat2', [0, 0, 0o4755])).toBe('default') // not allowed by the base: the default refuses it
    const withFchmodat2 = deriveSetidSeccomp({ ...BASE, syscalls: [{ names: ['fchmodat2'], action: 'SCMP_ACT_ALLOW' }] }) as unknown as typeof profile
    expect(verdict(withFchmodat2, 'fchmodat2', [0, 0, 0o4755])).toBe('errno 1')
    expect(verdict(withFchmodat2, 'fchmodat2', [0, 0, 0o755])).toBe('allow')
  })

  it('refuses io_uring outright even when the base allows it: an io_uring open never passes through seccomp', () => {
    const withUring = deriveSetidSeccomp({ ...BASE, syscalls: [{ names: ['io_uring_setup', 'io_uring_enter', 'io_uring_register', 'read'], action: 'SCMP_ACT_ALLOW' }] }) as unknown as typeof profile
    for (const name of ['io_uring_setup', 'io_uring_enter', 'io_uring_register']) expect(verdict(withUring, name, [])).toBe('errno 38')
    expect(verdict(withUring, 'read', [])).toBe('allow')
  })

  it("starts from the profile podman itself uses: the admin's /etc one before the vendor's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'wrapix-seccomp-base-'))
    try {
      const etc = join(dir, 'etc.json')
      const vendor = join(dir, 'vendor.json')
      writeFileSync(vendor, '{}')
      expect(podmanSeccompBase([etc, vendor])).toBe(vendor)
      writeFileSync(etc, '{}')
      expect(podmanSeccompBase([etc, vendor])).toBe(etc)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses what is not a seccomp profile', () => {
    expect(() => deriveSetidSeccomp({ syscalls: [] })).toThrow(/not a seccomp profile/)
    expect(() => deriveSetidSeccomp(null)).toThrow(/not a seccomp profile/)
  })

  it.runIf(existsSync(PODMAN_DEFAULT_SECCOMP))("covers this host's podman default profile", () => {
    const host = deriveSetidSeccomp(JSON.parse(readFileSync(PODMAN_DEFAULT_SECCOMP, 'utf8'))) as unknown as typeof profile
    expect(verdict(host, 'fchmodat', [0, 0, 0o4755])).toBe('errno 1')
    expect(verdict(host, 'openat', [0, 0, O_CREAT, 0o4755])).toBe('errno 1')
    expect(verdict(host, 'openat', [0, 0, O_CREAT, 0o644])).toBe('allow')
    expect(verdict(host, 'openat2', [])).toBe('errno 38')
    expect(verdict(host, 'vmsplice', [])).toBe('errno 1') // podman's own refusals stay
  })
})

describe('writeSetidSeccomp', () => {
  it('writes the profile into the session dir, private, only for crun', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wrapix-seccomp-'))
    try {
      const base = join(dir, 'base.json')
      await writeFile(base, JSON.stringify(BASE))
      const plan = { backend: 'podman' as const, runtime: 'crun' as const, filesDir: join(dir, 'files') }
      await writeSetidSeccomp(plan, base)
      const path = setidSeccompPath(plan)!
      expect(path).toBe(join(dir, 'seccomp.json'))
      expect((await stat(path)).mode & 0o777).toBe(0o600)
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(deriveSetidSeccomp(BASE))
      expect(setidSeccompPath({ ...plan, runtime: 'runsc' })).toBeNull()
      expect(setidSeccompPath({ ...plan, runtime: 'krun' })).toBeNull()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses clearly when the host has no podman default profile', async () => {
    const plan = { backend: 'podman' as const, runtime: 'crun' as const, filesDir: '/nonexistent/files' }
    await expect(writeSetidSeccomp(plan, '/nonexistent/seccomp.json')).rejects.toThrow(/podman's default seccomp profile \/nonexistent\/seccomp.json could not be read/)
    await expect(assertSetidSeccompBase(plan, '/nonexistent/seccomp.json')).rejects.toThrow(/podman's default seccomp profile/)
    await expect(assertSetidSeccompBase({ ...plan, runtime: 'runsc' }, '/nonexistent/seccomp.json')).resolves.toBeUndefined()
  })
})
