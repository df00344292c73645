// Test helpers that run the BUILT CLI (bin/wrapix.js → dist/) as a user would: its own HOME and XDG dirs
// in a temp dir, an environment that holds only what the test passes, and temp project folders.
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa, type ResultPromise } from 'execa'
import { asUserArgv, giveTo, launcherReadableBy, type TestUser } from './test-user.js'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** The launcher under test; WRAPIX_TEST_BIN points the tests at another build (e.g. an installed package). */
export const WRAPIX_BIN = process.env.WRAPIX_TEST_BIN ?? join(REPO_ROOT, 'bin', 'wrapix.js')
const BUILT_MAIN = join(dirname(WRAPIX_BIN), '..', 'dist', 'cli', 'main.js')

export interface RunWrapixOptions {
  /** Working directory (default: the isolated HOME, never the repo). */
  cwd?: string
  /** Added to the minimal environment (PATH, HOME, XDG dirs, LANG, TERM). */
  env?: Record<string, string>
  /** Written to stdin, which is then closed; without it stdin is empty and closed (as in CI). */
  input?: string
  /** Killed (SIGKILL) after this long; `timedOut` is then true. Default 60 s. */
  timeoutMs?: number
  /** Reuse a home made by `isolatedHome()` (e.g. to keep config between runs); default: a new one. */
  home?: IsolatedHome
}

export interface WrapixResult {
  exitCode: number
  stdout: string
  stderr: string
  /** The signal that ended wrapix, if one did. */
  signal?: string
  timedOut: boolean
}

export interface IsolatedHome {
  readonly root: string
  readonly env: Record<string, string>
  /** The normal user wrapix runs as in this home (rootless podman); null: the test's own user. */
  readonly user: TestUser | null
  /** The launcher this home runs (a copy the user can read when the checkout is not readable to it). */
  readonly bin: string
  cleanup(): Promise<void>
}

let userLauncher: Promise<{ bin: string }> | null = null

/**
 * A temp HOME with XDG_CONFIG_HOME/XDG_STATE_HOME/XDG_CACHE_HOME inside it. With a user, it belongs to that
 * user, XDG_RUNTIME_DIR is the user's /run/user/UID, and wrapix runs as that user.
 */
export async function isolatedHome(user: TestUser | null = null): Promise<IsolatedHome> {
  const root = await mkdtemp(join(tmpdir(), 'wrapix-home-'))
  const env: Record<string, string> = {
    HOME: root,
    XDG_CONFIG_HOME: join(root, '.config'),
    XDG_STATE_HOME: join(root, '.local', 'state'),
    XDG_CACHE_HOME: join(root, '.cache'),
  }
  await Promise.all(Object.values(env).map((d) => mkdir(d, { recursive: true })))
  let bin = WRAPIX_BIN
  if (user) {
    env.XDG_RUNTIME_DIR = user.runtimeDir
    // podman reads its storage.conf from XDG_CONFIG_HOME: the user's (explicit graphroot) shares its image store.
    await mkdir(join(env.XDG_CONFIG_HOME!, 'containers'), { recursive: true })
    await copyFile(user.storageConf, join(env.XDG_CONFIG_HOME!, 'containers', 'storage.conf'))
    await giveTo(root, user)
    userLauncher ??= launcherReadableBy(REPO_ROOT, WRAPIX_BIN, user)
    bin = (await userLauncher).bin
  }
  return { root, env, user, bin, cleanup: () => rm(root, { recursive: true, force: true }) }
}

/** Throws a readable error when `npm run build` has not produced the CLI yet. */
export function requireBuiltCli(): void {
  if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run npm run build first`)
}

function baseEnv(home: IsolatedHome, extra: Record<string, string> | undefined): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
    TERM: process.env.TERM ?? 'xterm-256color',
    ...(process.env.CI ? { CI: process.env.CI } : {}),
    ...home.env,
    ...extra,
  }
}

/** Starts the built CLI and returns the running process (for signal tests); the caller awaits it. */
export function spawnWrapix(args: readonly string[], options: RunWrapixOptions & { home: IsolatedHome }): ResultPromise<{ reject: false }> {
  requireBuiltCli()
  const { user, bin } = options.home
  const [file, argv] = user ? [asUserArgv(user)[0]!, [...asUserArgv(user).slice(1), process.execPath, bin, ...args]] : [process.execPath, [bin, ...args]]
  return execa(file, argv, {
    cwd: options.cwd ?? options.home.root,
    env: baseEnv(options.home, options.env),
    extendEnv: false,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    timeout: options.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    reject: false,
    stripFinalNewline: false,
  }) as unknown as ResultPromise<{ reject: false }>
}

/** Runs the built CLI to completion with an isolated HOME; never throws on a non-zero exit. */
export async function runWrapix(args: readonly string[], options: RunWrapixOptions = {}): Promise<WrapixResult> {
  const home = options.home ?? (await isolatedHome())
  try {
    const result = await spawnWrapix(args, { ...options, home })
    return {
      exitCode: result.exitCode ?? (result.signal ? 128 : -1),
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      ...(result.signal ? { signal: result.signal } : {}),
      timedOut: Boolean(result.timedOut),
    }
  } finally {
    if (!options.home) await home.cleanup()
  }
}

export interface TempProject {
  readonly dir: string
  /** Writes a file (creating parent folders) relative to the project. */
  write(relativePath: string, content: string): Promise<string>
  cleanup(): Promise<void>
}

/** A fresh project folder under the temp dir; `files` are written into it. Call cleanup() when done. */
export async function tempProject(files: Record<string, string> = {}, prefix = 'wrapix-proj-', user: TestUser | null = null): Promise<TempProject> {
  // The real path: wrapix labels containers with the resolved workspace, and tests look them up by it.
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)))
  const write = async (relativePath: string, content: string): Promise<string> => {
    const path = join(dir, relativePath)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, content)
    return path
  }
  for (const [path, content] of Object.entries(files)) await write(path, content)
  if (user) await giveTo(dir, user)
  return { dir, write, cleanup: () => rm(dir, { recursive: true, force: true }) }
}
