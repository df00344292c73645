// The early "before" git probe (real git in a temp repo): it probes the workspace the run will use, and
// is dropped once stale, so commits made while an image builds are not taken for the session's work.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { probeGitEarly } from '../../../src/session/session-record-hooks.js'

let root: string
let repo: string
beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'wrapix-early-probe-'))
  repo = join(root, 'repo')
  mkdirSync(repo)
  writeFileSync(join(repo, 'README.md'), 'one\n')
  const git = (...args: string[]) => execa('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args], { cwd: repo })
  await git('init', '-q', '-b', 'early')
  await git('add', '.')
  await git('commit', '-qm', 'init')
})
afterEach(() => {
  vi.useRealTimers()
  rmSync(root, { recursive: true, force: true })
})

describe('probeGitEarly', () => {
  it('probes the DIR operand resolved against cwd, while it is fresh', async () => {
    const probe = probeGitEarly(root, 'repo')()
    expect(probe).toBeDefined()
    expect(await probe).toMatchObject({ available: true, snapshot: { branch: 'early', dirty: false } })
  })

  it('is dropped once older than 2 s, so the record probes afresh', async () => {
    vi.useFakeTimers({ toFake: ['performance'] })
    const early = probeGitEarly(repo, null)
    vi.advanceTimersByTime(2000)
    expect(early()).toBeDefined()
    vi.advanceTimersByTime(1)
    expect(early()).toBeUndefined()
  })
})
