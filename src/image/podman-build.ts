// `podman build` for profile images: the exact argv (pure), and running it with a full log on disk and
// the current STEP reported as progress. Failures carry the last log lines and the log's path.
import { createWriteStream } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { execa } from 'execa'
import { WrapixError } from '../errors.js'

export interface BuildRequest {
  readonly tag: string
  readonly containerfile: string // path
  readonly context: string // directory
  readonly labels: Readonly<Record<string, string>>
  readonly noCache?: boolean
}

export function podmanBuildArgv(req: BuildRequest): string[] {
  return [
    'build',
    '--tag', req.tag,
    '--file', req.containerfile,
    ...Object.entries(req.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ...(req.noCache ? ['--no-cache'] : []),
    '--layers',
    req.context,
  ]
}

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
  /** Which program runs the build: podman here, `container` on macOS (same log/progress handling). */
  readonly program?: string
}

/** Runs a build command, logging every line; throws a WrapixError naming the log on failure. */
export async function runBuild(argv: readonly string[], what: string, opts: RunBuildOptions): Promise<void> {
  await mkdir(dirname(opts.logFile), { recursive: true })
  const log = createWriteStream(opts.logFile)
  const program = opts.program ?? 'podman'
  log.write(`$ ${program} ${argv.join(' ')}\n`)
  const child = execa(program, argv, { all: true, buffer: false, reject: false, stdin: 'ignore' })
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
