// `wrapix doctor`: what this host supports, which boundary wrapix would use, and the fix for anything missing.
import chalk from 'chalk'
import { chooseBoundary } from '../sandbox/boundary.js'
import { probeHost, probeHostDetails } from '../host/probe.js'
import type { HostFacts } from '../host/facts.js'
import { AUTO_USERNS_USER, probeRootUserns, rootSessionPaths, USERNS_SIZE } from '../host/root-userns.js'
import { wrapixPaths } from '../config/paths.js'
import { keysDir } from '../keys/key-store.js'
import { describeSandboxUser, planUser } from '../sandbox/user.js'
import { BOUNDARIES } from '../sandbox/plan.js'
import { EXIT_CODES, WrapixError } from '../errors.js'
import { printJson, type GlobalOptions } from './output.js'
import { nixImageProblem, probeNix, type NixFacts } from '../host/nix-builds.js'
import { MIN_APPLE_CONTAINER, MIN_MACOS, appleContainerProblems, macosMajor, probeAppleContainer, type AppleContainerStatus } from '../host/apple-container-host.js'
import { MIN_LIBKRUN, libkrunProblem, probeLibkrunVersion } from '../host/libkrun.js'

/** What only doctor probes (slower): Apple container's version and services, libkrun's version. */
export interface EngineDetails {
  readonly apple?: AppleContainerStatus | null
  readonly libkrun?: string | null
}

/** macOS: the Mac, Apple's container and its services, each with its fix (the same checks run before every launch). */
function appleChecks(host: HostFacts, status: AppleContainerStatus | null): Check[] {
  const problems = appleContainerProblems(host.osRelease, host.appleContainer, status)
  const find = (what: RegExp) => problems.find((p) => what.test(p.what))
  const check = (name: string, problem: { what: string; fix: string } | undefined, detail: string): Check =>
    ({ name, ok: !problem, detail: problem?.what ?? detail, ...(problem ? { fix: problem.fix } : {}) })
  return [
    check(`macOS ${MIN_MACOS}+`, find(/^macOS/), `macOS ${macosMajor(host.osRelease) ?? '?'}`),
    check(`Apple container ${MIN_APPLE_CONTAINER}+`, find(/not installed|--version|older than/), `${host.appleContainer ?? ''} ${status?.version ?? ''}`.trim()),
    ...(host.appleContainer ? [check('Apple container services', find(/not running/), 'running')] : []),
  ]
}

interface Check {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
  readonly fix?: string
}

/** The Nix check: profile images with Nix packages (and mkDevShell shells) need these. */
export function nixCheck(nix: NixFacts, os: NodeJS.Platform): Check {
  const problem = nixImageProblem(nix, os)
  const builder = nix.linuxBuilder === null ? '' : nix.linuxBuilder ? ', Linux builder configured' : ''
  return {
    name: 'nix (image builds)',
    ok: problem === null,
    detail: problem ? problem.problem : `${nix.nixBuild}${builder}; flakes ${nix.flakes ? 'on' : 'off (nix develop needs: experimental-features = nix-command flakes)'}`,
    fix: problem?.hint ?? '',
  }
}

/** What a normal user needs for rootless podman, per boundary and for limits, with the fix. */
function rootlessChecks(host: HostFacts): Check[] {
  const delegated = host.cgroup === 'v2'
  return [
    { name: 'newuidmap/newgidmap (rootless podman)', ok: Boolean(host.tools.newuidmap), detail: host.tools.newuidmap ?? 'not installed', fix: 'sudo apt install uidmap' },
    {
      name: 'resource limits (rootless)',
      ok: delegated,
      detail: delegated ? 'cgroup v2: enforced where systemd delegates the controllers to you' : `cgroup ${host.cgroup}: memory, pids and cpu limits cannot be delegated to a normal user and are not enforced`,
      fix: 'boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1) and delegate cpu, memory and pids to your user, or run wrapix as root',
    },
    ...(host.runtimes.runsc
      ? [{ name: 'runsc rootless (gvisor)', ok: true, detail: delegated ? 'runs under rootless podman' : 'runs under rootless podman without cgroups (runsc --ignore-cgroups)' }]
      : []),
  ]
}

/** Invoked as root: whether the sandbox gets a user namespace of its own, per boundary, and the fix. */
function rootChecks(host: HostFacts): Check[] {
  const container = planUser(host, 'container')
  return [
    {
      name: 'sandbox user as root (container)',
      ok: container.userns.kind === 'auto',
      detail: describeSandboxUser(container, 'container'),
      fix: `give podman's "${AUTO_USERNS_USER}" user ${USERNS_SIZE} ids per parallel session that no user's range overlaps (podman suggests ${AUTO_USERNS_USER}:2147483647:2147483648 in /etc/subuid and /etc/subgid), and keep the project and ${'$'}XDG_RUNTIME_DIR on ext4, xfs, btrfs (or tmpfs from Linux 6.3)`,
    },
    ...(host.runtimes.runsc ? [{ name: 'sandbox user as root (gvisor)', ok: true, detail: describeSandboxUser(planUser(host, 'gvisor'), 'gvisor') }] : []),
  ]
}

export function doctorChecks(host: HostFacts, details: EngineDetails = {}): { checks: Check[]; boundaries: Record<string, { ok: boolean; problem?: string; hint?: string; note?: string }> } {
  const linux = host.os === 'linux'
  const checks: Check[] = linux
    ? [
        { name: 'podman', ok: Boolean(host.podman.path), detail: host.podman.path ? `${host.podman.version ?? 'present'} (${host.podman.rootless ? 'rootless' : 'rootful'})` : 'not installed', fix: 'sudo apt install podman' },
        { name: 'krun (microvm)', ok: Boolean(host.runtimes.krun), detail: host.runtimes.krun ?? 'not installed', fix: 'install krun or crun built with libkrun (e.g. dnf install crun-krun)' },
        ...(host.runtimes.krun && details.libkrun !== undefined ? [libkrunCheck(details.libkrun)] : []),
        { name: '/dev/kvm', ok: host.kvm.usable, detail: host.kvm.usable ? 'usable' : (host.kvm.reason ?? 'not usable'), fix: 'enable virtualization, and add yourself to the kvm group' },
        { name: 'runsc (gvisor)', ok: Boolean(host.runtimes.runsc), detail: host.runtimes.runsc ?? 'not installed', fix: 'sudo apt install runsc' },
        { name: 'crun (container)', ok: Boolean(host.runtimes.crun), detail: host.runtimes.crun ?? 'not installed', fix: 'sudo apt install crun' },
        { name: 'cgroups', ok: host.cgroup !== 'unknown', detail: host.cgroup, fix: 'mount cgroup v2 at /sys/fs/cgroup' },
        ...(host.user.uid === 0 ? rootChecks(host) : rootlessChecks(host)),
        {
          name: 'subordinate ids (rootless podman)',
          ok: host.user.uid === 0 || Boolean(host.subIds.uid && host.subIds.gid),
          detail: host.user.uid === 0 ? 'not needed as root' : host.subIds.uid ? `${host.subIds.uid.start}+${host.subIds.uid.count}` : 'none',
          fix: `echo ${host.user.name}:100000:65536 | sudo tee -a /etc/subuid /etc/subgid`,
        },
      ]
    : appleChecks(host, details.apple ?? null)
  const boundaries: Record<string, { ok: boolean; problem?: string; hint?: string; note?: string }> = {}
  try {
    const auto = chooseBoundary({ value: 'auto', source: 'default' }, host)
    boundaries.auto = { ok: true, note: auto.note?.replace(/^boundary /, '') ?? auto.boundary }
  } catch (err) {
    if (!(err instanceof WrapixError)) throw err
    boundaries.auto = { ok: false, problem: err.message, ...(err.hint ? { hint: err.hint } : {}) }
  }
  for (const boundary of BOUNDARIES) {
    try {
      chooseBoundary({ value: boundary, source: 'flag' }, host)
      boundaries[boundary] = { ok: true }
    } catch (err) {
      if (!(err instanceof WrapixError)) throw err
      boundaries[boundary] = { ok: false, problem: err.message, ...(err.hint ? { hint: err.hint } : {}) }
    }
  }
  return { checks, boundaries }
}

function libkrunCheck(version: string | null): Check {
  const problem = libkrunProblem(version)
  return { name: `libkrun ${MIN_LIBKRUN}+ (microvm)`, ok: !problem, detail: problem?.what ?? `libkrun ${version}`, ...(problem ? { fix: problem.fix } : {}) }
}

export async function doctorCommand(globals: GlobalOptions): Promise<number> {
  const probed = await probeHostDetails(probeHost())
  // As root: the user namespace is judged for this directory as the project and wrapix's own directories.
  const paths = wrapixPaths(process.env, probed.user.home, probed.user.uid)
  const host = probed.user.uid === 0 && probed.rootUserns === undefined ? { ...probed, rootUserns: probeRootUserns(rootSessionPaths(process.cwd(), paths, keysDir(probed.user.home))) } : probed
  const details: EngineDetails = host.os === 'darwin'
    ? { apple: host.appleContainer ? await probeAppleContainer(host.appleContainer) : null }
    : { libkrun: host.runtimes.krun ? probeLibkrunVersion() : null }
  const { checks, boundaries } = doctorChecks(host, details)
  checks.push(nixCheck(await probeNix(process.env, host.os), host.os))
  const engine = host.os === 'linux' ? Boolean(host.podman.path) : checks.every((c) => c.ok || c.name.startsWith('nix'))
  // Nothing usable (no engine, or no boundary at all) is a host problem: exit 4, so scripts can check it.
  const ok = engine && boundaries.auto?.ok === true
  const exitCode = ok ? 0 : EXIT_CODES.host
  if (globals.json) {
    printJson({ ok, host, checks, boundaries })
    return exitCode
  }
  for (const c of checks) {
    process.stdout.write(`${c.ok ? chalk.green('✓') : chalk.red('✗')} ${c.name}: ${c.detail}${c.ok || !c.fix ? '' : chalk.dim(`\n    fix: ${c.fix}`)}\n`)
  }
  process.stdout.write('\nboundaries:\n')
  for (const [name, b] of Object.entries(boundaries)) {
    if (name === 'auto') continue
    process.stdout.write(`${b.ok ? chalk.green('✓') : chalk.red('✗')} ${name}${b.ok ? '' : `: ${b.problem}`}\n`)
  }
  if (!engine) {
    process.stdout.write(`\nwrapix cannot run sessions here: ${host.os === 'linux' ? 'podman' : 'Apple container'} is not installed\n`)
    return exitCode
  }
  const auto = boundaries.auto!
  process.stdout.write(auto.ok ? `\nwrapix will use (auto): ${auto.note}\n` : `\nno boundary is usable on this host: ${auto.problem}\n`)
  process.stdout.write('network modes limit and open: no root needed (the proxy socket is mounted into the sandbox, whose image needs socat); none: nothing\n')
  return exitCode
}
