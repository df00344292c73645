import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildFailure, buildLogFile } from '../../../src/image/podman-build.js'

const dir = mkdtempSync(join(tmpdir(), 'wrapix-buildlog-'))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('buildFailure', () => {
  it('names the failing line, shows the last lines of the log and where the full log is', async () => {
    const log = join(dir, 'wrapix-base-0123456789ab.log')
    const early = Array.from({ length: 30 }, (_, i) => `Get:${i} http://deb.debian.org/debian bookworm/main pkg${i}`)
    writeFileSync(log, [...early, 'E: Unable to locate package no-such-package', 'Error: building at STEP "RUN apt-get update": exit status 100', ''].join('\n'))
    const error = await buildFailure('image localhost/wrapix-base:0123456789ab', 100, log)
    expect(error.kind).toBe('internal')
    expect(error.message).toBe('building image localhost/wrapix-base:0123456789ab failed (exit 100): Error: building at STEP "RUN apt-get update": exit status 100')
    expect(error.hint).toContain('E: Unable to locate package no-such-package')
    expect(error.hint).not.toContain('Get:0 ') // only the last lines
    expect(error.hint?.split('\n').at(-1)).toBe(`full log: ${log}`)
  })
})

describe('buildLogFile', () => {
  it('keeps one log per image under <state>/builds, named after the image without localhost/', () => {
    expect(buildLogFile('/state/wrapix', 'localhost/wrapix-base:0123456789ab')).toBe('/state/wrapix/builds/wrapix-base-0123456789ab.log')
    expect(buildLogFile('/state/wrapix', 'localhost/wrapix-base:bookworm')).toBe('/state/wrapix/builds/wrapix-base-bookworm.log')
  })
})
