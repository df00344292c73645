// Planning bind mounts: ~ expansion, symlink-resolved sources, refusal of paths that would expose the host.
import { isAbsolute, join, posix, relative, resolve } from 'node:path'
import { WrapixError } from '../errors.js'
import type { Mount } from '../config/schema.js'
import type { Source } from '../config/settings.js'
import { PROXY_SOCKET_DIR } from '../runtime/podman-network.js'
import { FILES_ROOT, SANDBOX_HOME, WORKSPACE, type PlannedBind } from './plan.js'

/** Facts about host paths, gathered at the edge (stat + realpath) so planning stays pure. */
export interface PathFact {
  readonly exists: boolean
  readonly realPath: string
  readonly isDir: boolean
  readonly isSymlink: boolean
}
export type PathFacts = Readonly<Record<string, PathFact>>

export interface MountRequest extends Mount {
  readonly source_: Source
  readonly explicit: boolean // named on the command line by the user
}

export const expandHome = (path: string, home: string): string =>
  path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path

/** The absolute host path a mount source names (before symlinks are resolved). */
export const mountSourcePath = (source: string, home: string, base: string): string => resolve(base, expandHome(source, home))

/** Whether `path` is `dir` or below it (lexically). */
export const within = (path: string, dir: string): boolean => {
  const rel = relative(dir, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * Credential stores (home-relative, or absolute): mounted only when named on the command line. Mounting
 * one of them, or a directory that holds one, hands its secrets to the sandbox. Extend the list here.
 */
export const CREDENTIAL_STORES: readonly string[] = [
  '.config/wrapix', // wrapix's own config: approvals live there
  '.local/state/wrapix',
  '.cache/wrapix', // the V8 code cache bin/wrapix.js runs as code, and image build contexts
  '.aws', '.azure', '.config/gcloud', '.kube', '.docker', '.gnupg', '.oci', '.config/doctl',
  '.netrc', '.npmrc', '.yarnrc.yml', '.pypirc', '.config/pip', '.git-credentials', '.config/git/credentials',
  '.config/gh', '.config/hub', '.config/glab-cli', '.password-store', '.local/share/keyrings', '.config/op',
  '.vault-token', '.terraform.d', '.cargo/credentials', '.cargo/credentials.toml', '.gem/credentials',
  '.m2/settings.xml', '.gradle/gradle.properties', '.pgpass', '.my.cnf', '.claude', '.claude.json', '.codex', '.gemini',
  '/etc', '/run/secrets', '/var/run/secrets',
]

/** Why exposing `path` would hand the host to the sandbox, or null when it is an ordinary path. */
export function sensitiveReason(path: string, home: string, uid: number): string | null {
  if (path === '/') return 'it is the whole host filesystem'
  if (path === home || within(home, path)) return 'it holds your whole home directory'
  if (within(path, join(home, '.ssh'))) return 'it holds your SSH keys'
  const sockets = [
    '/run/podman/podman.sock',
    '/var/run/docker.sock',
    '/run/docker.sock',
    '/run/containerd/containerd.sock',
    `/run/user/${uid}/podman/podman.sock`,
    `/run/user/${uid}/docker.sock`,
    join(home, '.docker', 'run', 'docker.sock'),
  ]
  if (sockets.some((sock) => within(sock, path)) || /(docker|podman|containerd)[^/]*\.sock$/.test(path)) {
    return 'it gives control of a container engine (and so of the host)'
  }
  for (const store of CREDENTIAL_STORES) {
    const full = isAbsolute(store) ? store : join(home, store)
    if (within(path, full) || within(full, path)) return `it holds credentials (${isAbsolute(store) ? store : `~/${store}`})`
  }
  return null
}

export function checkDest(dest: string, what: string): string {
  // normalize() keeps a trailing slash: "/workspace/" must not slip past the reserved-path check.
  const normal = posix.normalize(dest).replace(/(.)\/+$/, '$1')
  if (!posix.isAbsolute(normal) || normal === '/') throw new WrapixError('usage', `${what}: destination "${dest}" must be an absolute path other than /`, 'use e.g. -v ~/data:/data:ro')
  if (normal.includes(',')) throw new WrapixError('usage', `${what}: destination "${dest}" contains a comma`, 'podman cannot mount paths with commas; choose another destination')
  if (normal === WORKSPACE || normal === SANDBOX_HOME || within(normal, FILES_ROOT) || within(normal, `${WORKSPACE}/.wrapix`) || within(normal, `${WORKSPACE}/.git`) || within(normal, PROXY_SOCKET_DIR) || within(normal, '/proc') || within(normal, '/sys') || within(normal, '/dev')) {
    throw new WrapixError('usage', `${what}: destination "${dest}" is reserved by wrapix`, 'choose another destination, e.g. /data')
  }
  return normal
}

export function planBinds(args: {
  requests: readonly MountRequest[]
  facts: PathFacts
  home: string
  uid: number
  base: string // where relative sources start
}): PlannedBind[] {
  const binds: PlannedBind[] = []
  for (const request of args.requests) {
    const what = request.explicit ? `-v ${request.source}:${request.dest}` : `mount ${request.source} (from ${request.source_})`
    const path = mountSourcePath(request.source, args.home, args.base)
    const fact = args.facts[path]
    if (!fact?.exists) {
      if (request.optional) continue
      throw new WrapixError('config', `${what}: ${path} does not exist`, 'create it, fix the path, or mark the mount optional: true')
    }
    const source = fact.realPath // symlinks resolved: the check below applies to what is really mounted
    if (source.includes(',')) throw new WrapixError('usage', `${what}: ${source} contains a comma`, 'podman cannot mount paths with commas; rename or link it')
    const reason = sensitiveReason(source, args.home, args.uid)
    if (reason && !request.explicit) {
      throw new WrapixError('policy', `${what}: refusing to mount ${source}: ${reason}`, `if you really mean it, name it on the command line: -v ${source}:${request.dest}`)
    }
    const dest = checkDest(request.dest, what)
    if (binds.some((b) => b.dest === dest)) throw new WrapixError('usage', `${what}: ${dest} is already mounted`, 'give each mount its own destination')
    binds.push({ kind: 'bind', source, dest, readOnly: request.mode === 'ro' })
  }
  return binds
}
