// probeHost(): reads the host into HostFacts. Cheap checks only (stat, small files); doctor adds versions.
import { spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { arch, availableParallelism, homedir, platform, release, userInfo } from 'node:os'
import { execa } from 'execa'
import type { HostFacts, SubIdRange } from './facts.js'
import { which } from './which.js'

// Where distributions put OCI runtimes that are not on PATH.
const RUNTIME_DIRS = ['/usr/libexec/podman', '/usr/local/libexec/podman', '/usr/lib/podman', '/usr/local/bin', '/usr/bin', '/usr/sbin']

// Debian/Ubuntu, Fedora/RHEL, openSUSE, Alpine/macOS: where the system's trusted CAs are one PEM file.
const SYSTEM_CA_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem']

export function probeHost(env: NodeJS.ProcessEnv = process.env): HostFacts {
  const info = userInfo()
  const uid = typeof process.getuid === 'function' ? process.getuid() : info.uid
  const gid = typeof process.getgid === 'function' ? process.getgid() : info.gid
  const path = env.PATH ?? ''
  const podman = which('podman', path)
  const kvm = probeKvm()
  const crun = which('crun', path, RUNTIME_DIRS)
  return {
    os: platform(),
    osRelease: release(),
    arch: arch(),
    cpus: availableParallelism(),
    user: { uid, gid, name: info.username, home: env.HOME || homedir() },
    podman: { path: podman, version: null, rootless: uid !== 0 },
    runtimes: {
      // Without a `krun` binary, crun built with libkrun is krun too (run with the run.oci.handler=krun annotation).
      krun: which('krun', path, RUNTIME_DIRS) ?? (kvm.usable && crun && crunHasLibkrun(crun) ? crun : null),
      runsc: which('runsc', path, RUNTIME_DIRS),
      crun,
    },
    kvm,
    appleContainer: platform() === 'darwin' ? which('container', path) : null,
    cgroup: probeCgroup(),
    subIds: { uid: readSubIds('/etc/subuid', info.username, uid), gid: readSubIds('/etc/subgid', info.username, uid) },
    caBundle: SYSTEM_CA_BUNDLES.find((file) => existsSync(file)) ?? null,
    tools: { setpriv: which('setpriv', path, ['/usr/bin', '/bin']), newuidmap: which('newuidmap', path, ['/usr/bin', '/bin']) },
  }
}

/** crun lists its build features in `--version` (`+LIBKRUN` when it can run krun microVMs). Only asked on KVM hosts. */
export function crunHasLibkrun(crun: string): boolean {
  const r = spawnSync(crun, ['--version'], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] })
  return r.status === 0 && r.stdout.includes('+LIBKRUN')
}

/** Slower facts for `wrapix doctor`: versions. */
export async function probeHostDetails(facts: HostFacts): Promise<HostFacts> {
  const version = async (bin: string | null, args: string[]) => {
    if (!bin) return null
    const r = await execa(bin, args, { reject: false, timeout: 10_000 })
    return r.exitCode === 0 ? String(r.stdout).trim() : null
  }
  const podmanVersion = (await version(facts.podman.path, ['--version']))?.replace(/^podman version\s*/, '') ?? null
  return { ...facts, podman: { ...facts.podman, version: podmanVersion } }
}

function probeKvm(): HostFacts['kvm'] {
  if (!existsSync('/dev/kvm')) return { usable: false, reason: 'no /dev/kvm' }
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK)
    return { usable: true }
  } catch {
    return { usable: false, reason: '/dev/kvm is not readable and writable by you (add yourself to the kvm group)' }
  }
}

function probeCgroup(): HostFacts['cgroup'] {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return 'v2'
  if (existsSync('/sys/fs/cgroup/unified')) return 'hybrid'
  if (existsSync('/sys/fs/cgroup/memory')) return 'v1'
  return 'unknown'
}

export function parseSubIds(text: string, name: string, id: number): SubIdRange | null {
  for (const line of text.split('\n')) {
    const [owner, start, count] = line.trim().split(':')
    if ((owner === name || owner === String(id)) && start && count) {
      const range = { start: Number(start), count: Number(count) }
      if (Number.isSafeInteger(range.start) && Number.isSafeInteger(range.count) && range.count > 0) return range
    }
  }
  return null
}

function readSubIds(file: string, name: string, id: number): SubIdRange | null {
  try {
    return parseSubIds(readFileSync(file, 'utf8'), name, id)
  } catch {
    return null
  }
}
