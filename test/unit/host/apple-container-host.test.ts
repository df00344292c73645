// The Mac's readiness for a session (doctor and before launch). Output formats from apple/container 1.2.2:
// ReleaseVersion.singleLine ("container CLI version X (build: …, commit: …)"), SystemStatus (--format json, "status").
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { appleContainerProblems, macosMajor, probeAppleContainer, versionAtLeast } from '../../../src/host/apple-container-host.js'

const READY = { version: '1.2.2', running: true }

describe('appleContainerProblems', () => {
  it('finds nothing on macOS 26 with container 1.1.0+ running', () => {
    expect(appleContainerProblems('25.0.0', '/usr/local/bin/container', READY)).toEqual([])
    expect(appleContainerProblems('25.0.0', '/usr/local/bin/container', { version: '1.1.0', running: true })).toEqual([])
  })

  it('names an old macOS (Darwin 24 is macOS 25) with the fix', () => {
    expect(appleContainerProblems('24.6.0', '/usr/local/bin/container', READY)).toEqual([{ what: "macOS 25 is too old for Apple's container", fix: 'update to macOS 26 or later' }])
  })

  it('names a missing CLI with where to get it and how to start it', () => {
    const [problem] = appleContainerProblems('25.0.0', null, null)
    expect(problem).toEqual({ what: "Apple's container CLI is not installed", fix: 'install it from https://github.com/apple/container/releases, then run: container system start' })
  })

  it('names an old container (1.0.x lacks what wrapix relies on)', () => {
    expect(appleContainerProblems('25.0.0', '/c', { version: '1.0.9', running: true })).toEqual([{ what: 'container 1.0.9 is older than 1.1.0', fix: 'update it: install it from https://github.com/apple/container/releases' }])
  })

  it('offers container system start when the services are down', () => {
    expect(appleContainerProblems('25.0.0', '/c', { version: '1.2.2', running: false })).toEqual([{ what: "Apple's container services are not running", fix: 'run: container system start' }])
  })
})

describe('versions', () => {
  it('reads the macOS major from Darwin, and compares dotted versions numerically', () => {
    expect(macosMajor('25.1.0')).toBe(26)
    expect(macosMajor('6.1.0-28-amd64')).toBe(7)
    expect(macosMajor('weird')).toBeNull()
    expect(versionAtLeast('1.10.0', '1.9.0')).toBe(true)
    expect(versionAtLeast('1.1', '1.1.0')).toBe(true)
    expect(versionAtLeast('1.0.10', '1.1.0')).toBe(false)
  })
})

describe('probeAppleContainer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wrapix-unit-apple-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const fakeContainer = (status: string, statusExit: number) => {
    const bin = join(dir, `container-${statusExit}-${status.length}`)
    writeFileSync(bin, `#!/bin/sh\ncase "$1" in\n  --version) echo 'container CLI version 1.2.2 (build: release, commit: af405ff)';;\n  system) printf '%s\\n' '${status}'; exit ${statusExit};;\nesac\n`)
    chmodSync(bin, 0o755)
    return bin
  }

  it('reads the version and a running status', async () => {
    expect(await probeAppleContainer(fakeContainer('{"status":"running","appRoot":"/x"}', 0))).toEqual({ version: '1.2.2', running: true })
  })

  it('is not running when status exits 1 (unregistered) or says otherwise', async () => {
    expect((await probeAppleContainer(fakeContainer('{"status":"unregistered"}', 1))).running).toBe(false)
    expect((await probeAppleContainer(fakeContainer('not json', 0))).running).toBe(false)
  })
})
