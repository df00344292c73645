// wrapix's own git runs: an environment and a config wrapix fixes, so nothing the workspace (or the
// sandbox) wrote can make git run a program on the host. Never `shell: true`, never the user's env.
import { execa } from 'execa'

/**
 * `-c` settings that switch off every hook, helper and driver git could start on our behalf. A repo's
 * own config is still read (git cannot skip it), so anything it names is overridden here; filters are
 * neutralised by name in `filterOverrides` because git has no switch for "no filters at all".
 */
export const SAFE_GIT_CONFIG: readonly string[] = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.untrackedCache=false',
  'core.pager=cat',
  'core.editor=false',
  'core.askPass=',
  'core.sshCommand=false',
  'core.gitProxy=',
  'core.attributesFile=/dev/null',
  'diff.external=',
  'credential.helper=',
  'protocol.allow=never',
  'submodule.recurse=false',
  'status.submoduleSummary=false',
  'diff.ignoreSubmodules=all',
  'gc.auto=0',
  'maintenance.auto=false',
  'uploadpack.packObjectsHook=',
  'sequence.editor=false',
].flatMap((setting) => ['-c', setting])

/**
 * The whole environment of a wrapix git run: no system or global config, no system attributes, no
 * replace objects, no prompts, and none of the caller's GIT_* variables (GIT_DIR, GIT_EXTERNAL_DIFF,
 * GIT_CONFIG_PARAMETERS…), which execa would otherwise inherit.
 */
export function safeGitEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/nonexistent', // global config is /dev/null; HOME only finds the user's ignore file
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_PAGER: 'cat',
    ...extra,
  }
}

export interface GitResult {
  readonly ok: boolean
  readonly out: string
  readonly err: string
}

export interface SafeGitOptions {
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string>>
  readonly input?: string | import('node:stream').Readable
  /** Extra `-c` pairs (filter overrides) placed after the fixed ones. */
  readonly config?: readonly string[]
}

/** Runs `git <SAFE_GIT_CONFIG> <args>` with `safeGitEnv`; never throws for a non-zero exit. */
export async function runSafeGit(args: readonly string[], opts: SafeGitOptions = {}): Promise<GitResult> {
  const r = await execa('git', [...SAFE_GIT_CONFIG, ...(opts.config ?? []), ...args], {
    cwd: opts.cwd ?? '/',
    env: safeGitEnv(opts.env),
    extendEnv: false,
    reject: false,
    stripFinalNewline: true,
    ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
  })
  return { ok: r.exitCode === 0, out: String(r.stdout), err: String(r.stderr) }
}

/** `-c filter.<name>.clean=` etc. for every filter driver a config defines, so `.gitattributes` cannot start one. */
export function filterOverrides(configKeys: readonly string[]): string[] {
  const names = new Set(configKeys.map((key) => /^filter\.(.+)\.[^.]+$/i.exec(key)?.[1]).filter((n): n is string => Boolean(n)))
  return [...names].flatMap((n) => ['-c', `filter.${n}.clean=`, '-c', `filter.${n}.smudge=`, '-c', `filter.${n}.process=`, '-c', `filter.${n}.required=false`])
}
