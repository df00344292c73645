// Which binds Apple's container gets as staged single files (pure). apple/containerization 0.40 FileMount.swift
// shares a file's parent directory with the VM, hence one directory per copy.
import { describe, expect, it } from 'vitest'
import { planStaging, plannedKind, stagingDir } from '../../../src/runtime/apple-staging.js'
import type { SandboxPlan } from '../../../src/sandbox/plan.js'
import { thrownBy } from '../helpers/errors.js'
import { aPlan, bind } from '../helpers/plan.js'

const SESSION = '/tmp/wrapix-501/wrapix/a1b2c3d4e5f6'
const plan = (mounts: SandboxPlan['mounts']) =>
  aPlan({ backend: 'apple-container', filesDir: `${SESSION}/files`, hostDirs: [`${SESSION}/files`], mounts, files: [{ dest: '/etc/wrapix/session/passwd', content: '', mode: 0o644 }] })

describe('planStaging', () => {
  it('copies each read-only single file into a directory of its own, named after its destination', () => {
    const p = plan([bind('/Users/ada/app', '/workspace'), bind('/Users/ada/.ssh/key', '/etc/wrapix/keys/deploy', true), bind('/etc/ssl/cert.pem', '/etc/wrapix/tls/ca-bundle.crt', true)])
    const files = new Set(['/Users/ada/.ssh/key', '/etc/ssl/cert.pem'])
    expect(planStaging(p, (s) => (files.has(s) ? 'file' : 'dir'))).toEqual([
      { source: '/Users/ada/.ssh/key', dest: '/etc/wrapix/keys/deploy', staged: `${SESSION}/staged/0/deploy` },
      { source: '/etc/ssl/cert.pem', dest: '/etc/wrapix/tls/ca-bundle.crt', staged: `${SESSION}/staged/1/ca-bundle.crt` },
    ])
    expect(stagingDir(p)).toBe(`${SESSION}/staged`)
  })

  it('leaves the proxy socket alone: it is relayed, not shared', () => {
    expect(planStaging(plan([bind(`${SESSION}/net`, '/run/wrapix', true)]), () => 'file')).toEqual([])
  })

  it('refuses a writable single file: a copy could not write back', () => {
    const err = thrownBy(() => planStaging(plan([bind('/Users/ada/notes.txt', '/notes.txt')]), () => 'file'))
    expect(err.kind).toBe('usage')
    expect(err.message).toBe('-v /Users/ada/notes.txt:/notes.txt: on macOS a single file can only be mounted read-only')
    expect(err.hint).toContain(':ro')
  })

  it('knows the kind of what the launcher writes before it exists (dry runs)', () => {
    const p = aPlan({ ...plan([]), git: { layout: { kind: 'none', dotGit: '/x/.git' }, sessionGitDir: `${SESSION}/git`, dotGitFile: `${SESSION}/dot-git` } })
    expect(plannedKind(p, `${SESSION}/git`)).toBe('dir')
    expect(plannedKind(p, `${SESSION}/dot-git`)).toBe('file')
    expect(plannedKind(p, `${SESSION}/files/session/passwd`)).toBe('file')
    expect(plannedKind(p, `${SESSION}/files`)).toBe('dir')
    expect(plannedKind(p, '/Users/ada/other')).toBeUndefined()
  })
})
