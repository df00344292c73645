// What Apple's `container` needs on the Mac (wrapix doctor, and before every macOS launch): macOS 26 or later,
// `container` 1.1.0 or later, and its services running. Probed at the edge; judged by the pure function below.
import { execa } from 'execa'

/** The oldest `container` whose flags and behaviour wrapix relies on (apple/container 1.1.0: a mounted socket keeps its mode). */
export const MIN_APPLE_CONTAINER = '1.1.0'
export const MIN_MACOS = 26

export interface AppleContainerStatus {
  /** `container --version`'s number ("container CLI version 1.2.2 (build: release, commit: …)"), or null. */
  readonly version: string | null
  /** `container system status --format json` answered with status "running". */
  readonly running: boolean
}

/** macOS's major version from the Darwin kernel release (Darwin 25 is macOS 26); null when it is not a Darwin release. */
export function macosMajor(osRelease: string): number | null {
  const darwin = /^(\d+)\./.exec(osRelease)
  return darwin ? Number(darwin[1]) + 1 : null
}

const parts = (version: string): number[] => version.split('.').map((n) => Number.parseInt(n, 10) || 0)
export function versionAtLeast(version: string, minimum: string): boolean {
  const [a, b] = [parts(version), parts(minimum)]
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  }
  return true
}

export interface HostProblem {
  readonly what: string
  readonly fix: string
}

/** Everything in the way of a macOS session, each with its fix; empty when a session can start. */
export function appleContainerProblems(osRelease: string, bin: string | null, status: AppleContainerStatus | null): HostProblem[] {
  const problems: HostProblem[] = []
  const macos = macosMajor(osRelease)
  if (macos === null || macos < MIN_MACOS) {
    problems.push({ what: `macOS ${macos ?? `(Darwin ${osRelease})`} is too old for Apple's container`, fix: `update to macOS ${MIN_MACOS} or later` })
  }
  const install = 'install it from https://github.com/apple/container/releases'
  if (!bin) return [...problems, { what: "Apple's container CLI is not installed", fix: `${install}, then run: container system start` }]
  if (!status?.version) problems.push({ what: `${bin} --version did not answer`, fix: `reinstall it: ${install}` })
  else if (!versionAtLeast(status.version, MIN_APPLE_CONTAINER)) {
    problems.push({ what: `container ${status.version} is older than ${MIN_APPLE_CONTAINER}`, fix: `update it: ${install}` })
  }
  if (status && !status.running) problems.push({ what: "Apple's container services are not running", fix: 'run: container system start' })
  return problems
}

export async function probeAppleContainer(bin: string, env: NodeJS.ProcessEnv = process.env): Promise<AppleContainerStatus> {
  const run = (args: string[]) => execa(bin, args, { reject: false, timeout: 15_000, stdin: 'ignore', env, extendEnv: false })
  const [version, status] = await Promise.all([run(['--version']), run(['system', 'status', '--format', 'json'])])
  let running = false
  if (status.exitCode === 0) {
    try {
      running = (JSON.parse(String(status.stdout)) as { status?: unknown }).status === 'running'
    } catch {
      running = false
    }
  }
  return { version: version.exitCode === 0 ? (/(\d+\.\d+(?:\.\d+)?)/.exec(String(version.stdout))?.[1] ?? null) : null, running }
}
