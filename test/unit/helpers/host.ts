// aHost(overrides): a complete HostFacts literal (a rootless Linux user with every runtime), deep-merged with overrides.
import type { HostFacts } from '../../../src/host/facts.js'

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object | null ? DeepPartial<T[K]> | null : T[K] }

const BASE: HostFacts = {
  os: 'linux',
  osRelease: '6.1.0-28-amd64',
  arch: 'x64',
  cpus: 8,
  user: { uid: 1000, gid: 1000, name: 'ada', home: '/home/ada' },
  podman: { path: '/usr/bin/podman', version: null, rootless: true },
  runtimes: { krun: '/usr/bin/krun', runsc: '/usr/bin/runsc', crun: '/usr/bin/crun' },
  kvm: { usable: true },
  appleContainer: null,
  cgroup: 'v2',
  subIds: { uid: { start: 100000, count: 65536 }, gid: { start: 100000, count: 65536 } },
  caBundle: '/etc/ssl/certs/ca-certificates.crt',
  tools: { setpriv: '/usr/bin/setpriv' },
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function deepMerge<T>(base: T, overrides: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return (overrides === undefined ? base : overrides) as T
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(overrides)) out[key] = value === undefined ? out[key] : deepMerge(out[key], value)
  return out as T
}

export const aHost = (overrides: DeepPartial<HostFacts> = {}): HostFacts => deepMerge(BASE, overrides)

/** The same user invoking wrapix as root (rootful podman). */
export const aRootHost = (overrides: DeepPartial<HostFacts> = {}): HostFacts =>
  aHost(deepMerge<DeepPartial<HostFacts>>({ user: { uid: 0, gid: 0, name: 'root', home: '/root' }, podman: { rootless: false } }, overrides))
