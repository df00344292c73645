// main() run in the test's own process (so probeHost can be mocked): its output captured, and its HOME and
// XDG folders isolated. The vi.mock of probeHost stays in each test file, where vitest hoists it.
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, vi } from 'vitest'

export interface MainResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `main(args)` with stdout and stderr captured (colour codes stripped). */
export async function captureMain(main: (args: string[]) => Promise<number>, args: string[]): Promise<MainResult> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true))
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true))
  try {
    const code = await main(args)
    return { code, stdout: stripVTControlCharacters(stdout), stderr: stripVTControlCharacters(stderr) }
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}

/** The caller's settings that would change what main() does: cleared for every test. */
const CALLER_SETTINGS = [
  'WRAPIX_PROFILE', 'WRAPIX_AGENT', 'WRAPIX_BOUNDARY', 'WRAPIX_NETWORK', 'WRAPIX_IMAGE', 'WRAPIX_MEMORY', 'WRAPIX_CPUS',
  'WRAPIX_PIDS_LIMIT', 'WRAPIX_NO_MICROVM', 'WRAPIX_DRY_RUN', 'WRAPIX_VERBOSE',
  'ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'OPENAI_API_KEY', 'GEMINI_API_KEY',
]

/** HOME and the XDG folders under `home`, the runtime dir at `runtimeDir`, the caller's settings cleared (undo: vi.unstubAllEnvs). */
export function stubIsolatedEnv(home: string, runtimeDir: string, extra: Readonly<Record<string, string>> = {}): void {
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state'), XDG_CACHE_HOME: join(home, '.cache'), XDG_RUNTIME_DIR: runtimeDir, ...extra }
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value)
  for (const name of CALLER_SETTINGS) vi.stubEnv(name, '')
}

export interface IsolatedProject {
  readonly root: string
  readonly home: string
  readonly project: string
}

/**
 * For the whole test file: a temp root (its real path) holding `home/.config` and `project/`, with the
 * process inside `project/` (main() takes the current directory as DIR); restored and removed after.
 * The paths are filled in by the time the file's own beforeAll runs.
 */
export function useIsolatedProject(prefix: string): IsolatedProject {
  const dirs = { root: '', home: '', project: '' }
  let cwd = ''
  beforeAll(() => {
    dirs.root = realpathSync(mkdtempSync(join(tmpdir(), prefix)))
    dirs.home = join(dirs.root, 'home')
    dirs.project = join(dirs.root, 'project')
    mkdirSync(join(dirs.home, '.config'), { recursive: true })
    mkdirSync(dirs.project)
    cwd = process.cwd()
    process.chdir(dirs.project)
  })
  afterAll(() => {
    process.chdir(cwd)
    rmSync(dirs.root, { recursive: true, force: true })
  })
  return dirs
}
