// Running an image build (podman build, `container build`, debootstrap, nix-build) with a full log on disk and
// the current STEP reported as progress. Failures carry the last log lines and the log's path.
import { createWriteStream } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { execa } from 'execa'
import { WrapixError } from '../errors.js'
import { formatArgv } from '../runtime/format-argv.js'

/** `<stateDir>/builds/<image name>.log`, e.g. wrapix-base-0123456789ab.log for localhost/wrapix-base:0123456789ab. */
export const buildLogFile = (stateDir: string, tag: string): string =>
  join(stateDir, 'builds', `${tag.replace(/^localhost\//, '').replace(/[^A-Za-z0-9._-]/g, '-')}.log`)

export interface BuildStep {
  readonly step: number
  readonly total: number
  readonly text: string
}

/** "STEP 3/7: RUN apt-get …" (also "[1/2] STEP …" in multi-stage builds) → the step; other lines → null. */
export function parseBuildStep(line: string): BuildStep | null {
  const match = /^(?:\[\d+\/\d+\] )?STEP (\d+)\/(\d+): (.*)$/.exec(line.trim())
  if (!match) return null
  return { step: Number(match[1]), total: Number(match[2]), text: match[3] ?? '' }
}

export interface RunBuildOptions {
  readonly logFile: string
  readonly onStep?: (step: BuildStep) => void
  /** The program that runs the build: podman, `container` (macOS), debootstrap or nix-build. */
  readonly program: string
}

/** Runs a build command, logging every line; throws a WrapixError naming the log on failure. */
export async function runBuild(argv: readonly string[], what: string, opts: RunBuildOptions): Promise<void> {
  await mkdir(dirname(opts.logFile), { recursive: true })
  const log = createWriteStream(opts.logFile)
  log.write(`$ ${formatArgv([opts.program, ...argv])}\n`) // quoted: a context path may hold spaces
  const child = execa(opts.program, argv, { all: true, buffer: false, reject: false, stdin: 'ignore' })
  for await (const line of child.iterable({ from: 'all' })) {
    log.write(`${line}\n`)
    const step = parseBuildStep(line)
    if (step) opts.onStep?.(step)
  }
  const result = await child
  await new Promise<void>((resolve) => log.end(resolve))
  if (result.exitCode !== 0) throw await buildFailure(what, result.exitCode ?? result.signal ?? 'unknown', opts.logFile)
}

export async function buildFailure(what: string, status: number | string, logFile: string): Promise<WrapixError> {
  const text = await readFile(logFile, 'utf8').catch(() => '')
  const tail = lastLines(text, 12)
  const lastLine = tail.at(-1) ?? 'no output'
  return new WrapixError(
    'internal',
    `building ${what} failed (exit ${status}): ${lastLine}`,
    `last lines of the build log:\n${tail.map((l) => `  ${l}`).join('\n')}\nfull log: ${logFile}`,
  )
}

export const lastLines = (text: string, count: number): string[] =>
  text.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '').slice(-count)
