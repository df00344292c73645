// Test helpers that run a command in a real wrapix sandbox (built CLI, real podman) on the boundaries this
// host can run: the local base image, no network, an isolated HOME, a temp project.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { BASE_IMAGE, removeContainersByLabel } from './podman.js'
import type { TestUser } from './test-user.js'
import { isolatedHome, runWrapix, tempProject, type IsolatedHome, type RunWrapixOptions, type TempProject, type WrapixResult } from './cli.js'

/** The boundaries that run for real on our Linux test hosts (krun is argv-tested only: no usable KVM). */
export const RUNNABLE_BOUNDARIES = ['container', 'gvisor'] as const
export type RunnableBoundary = (typeof RUNNABLE_BOUNDARIES)[number]

/** The flags every launcher test uses: the boundary, the local base image, no network, never a prompt. */
export function sandboxFlags(boundary: RunnableBoundary): string[] {
  return ['--boundary', boundary, '--image', BASE_IMAGE, '--network', 'none', '--no-input']
}

/** `wrapix run DIR <sandbox flags> <flags> -- <command>`; the result of the whole run. */
export function runInSandbox(
  boundary: RunnableBoundary,
  projectDir: string,
  command: readonly string[],
  options: RunWrapixOptions & { flags?: readonly string[] } = {},
): Promise<WrapixResult> {
  const { flags = [], ...rest } = options
  return runWrapix(['run', projectDir, ...sandboxFlags(boundary), ...flags, '--', ...command], { timeoutMs: 90_000, ...rest })
}

/**
 * A fresh temp project and isolated HOME for each test (or, with `'all'`, for the whole describe block), and
 * afterwards every container started for that project removed, then both directories.
 */
export function useSandboxProject(scope: 'each' | 'all' = 'each', user: TestUser | null = null): { readonly project: TempProject; readonly home: IsolatedHome } {
  const ctx = {} as { project: TempProject; home: IsolatedHome }
  const [setUp, tearDown] = scope === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll]
  setUp(async () => {
    ctx.project = await tempProject({}, 'wrapix-proj-', user)
    ctx.home = await isolatedHome(user)
  })
  tearDown(async () => {
    await removeContainersByLabel({ 'wrapix.workspace': ctx.project.dir }, user)
    await ctx.project.cleanup()
    await ctx.home.cleanup()
  })
  return ctx
}

/** `env -0` output → a map (values may contain newlines). */
export function parseEnv(stdout: string): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const entry of stdout.split('\0')) {
    const eq = entry.indexOf('=')
    if (eq > 0) vars[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return vars
}
