// runBuild with a stand-in builder (node printing podman-like output): the log on disk, the progress steps,
// and the error a failed build gives. No podman needed; each test writes under its own temp dir.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runBuild, type BuildStep } from '../../../src/image/podman-build.js'

let dir = ''
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'wrapix-run-build-')) })
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const builder = (script: string, ...args: string[]) => ['-e', script, ...args]

describe('runBuild', () => {
  it('logs the quoted command and every output line, and reports each STEP as progress', async () => {
    const logFile = join(dir, 'builds', 'image.log')
    const steps: BuildStep[] = []
    const script = "console.log('STEP 1/2: FROM debian'); console.error('Get:1 http://deb.debian.org'); console.log('STEP 2/2: RUN true')"
    await runBuild(builder(script, '/cache/build dir'), 'image t', { logFile, program: process.execPath, onStep: (s) => steps.push(s) })
    const lines = readFileSync(logFile, 'utf8').split('\n')
    expect(lines[0]).toBe(`$ ${process.execPath} -e '${script.replace(/'/g, `'\\''`)}' '/cache/build dir'`)
    expect(lines.slice(1)).toEqual(expect.arrayContaining(['STEP 1/2: FROM debian', 'Get:1 http://deb.debian.org', 'STEP 2/2: RUN true']))
    expect(steps).toEqual([{ step: 1, total: 2, text: 'FROM debian' }, { step: 2, total: 2, text: 'RUN true' }])
  })

  it('fails with the exit status, the last output line and the log path', async () => {
    const logFile = join(dir, 'fail.log')
    const error = await runBuild(builder("console.error('E: Unable to locate package nope'); process.exit(100)"), 'image t', { logFile, program: process.execPath })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'internal', message: 'building image t failed (exit 100): E: Unable to locate package nope' })
    expect((error as { hint: string }).hint.split('\n').at(-1)).toBe(`full log: ${logFile}`)
  })
})
