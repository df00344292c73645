// libkrun's version from its installed file name (containers/libkrun Makefile: libkrun.so.$(FULL_VERSION), linked
// from libkrun.so.1, the name crun 1.29 dlopens in src/libcrun/handlers/krun.c).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { libkrunProblem, probeLibkrunVersion } from '../../../src/host/libkrun.js'
import { crunHasLibkrun } from '../../../src/host/probe.js'

describe('libkrun version', () => {
  const root = mkdtempSync(join(tmpdir(), 'wrapix-unit-libkrun-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('takes the newest libkrun.so.X.Y.Z in the library directories, ignoring other variants', () => {
    const [a, b] = [join(root, 'lib64'), join(root, 'lib')]
    mkdirSync(a)
    mkdirSync(b)
    for (const name of ['libkrun.so.1', 'libkrun.so.1.17.4', 'libkrun-sev.so.1.19.0']) writeFileSync(join(a, name), '')
    writeFileSync(join(b, 'libkrun.so.1.18.1'), '')
    expect(probeLibkrunVersion([a, b, join(root, 'missing')])).toBe('1.18.1')
    expect(probeLibkrunVersion([join(root, 'missing')])).toBeNull()
  })

  it('requires 1.18 or later, with the fix', () => {
    expect(libkrunProblem('1.18.0')).toBeNull()
    expect(libkrunProblem('1.19.0')).toBeNull()
    expect(libkrunProblem('1.17.4')).toEqual({ what: 'libkrun 1.17.4 is older than 1.18.0 (terminal sessions misbehave)', fix: 'update libkrun to 1.18.0 or later' })
    expect(libkrunProblem(null)?.fix).toBe('install libkrun 1.18.0 or later')
  })
})

describe('crun built with libkrun counts as krun on the run path too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wrapix-unit-crun-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const fakeCrun = (features: string) => {
    const bin = join(dir, `crun-${features.length}`)
    writeFileSync(bin, `#!/bin/sh\necho 'crun version 1.29'\necho 'commit: x'\necho 'spec: 1.0.0'\necho '${features}'\n`, { mode: 0o755 })
    return bin
  }

  it('reads +LIBKRUN from crun --version', () => {
    expect(crunHasLibkrun(fakeCrun('+SYSTEMD +SELINUX +CAP +SECCOMP +EBPF +LIBKRUN +WASM:wasmedge +YAJL'))).toBe(true)
    expect(crunHasLibkrun(fakeCrun('+SYSTEMD +SELINUX +CAP +SECCOMP +EBPF +YAJL'))).toBe(false)
    expect(crunHasLibkrun(join(dir, 'missing'))).toBe(false)
  })
})
