// Downloads agent tarballs from the npm registry and verifies them against the registry's published
// integrity hash (SRI, sha512) before anything uses them. Verified tarballs are cached by their digest and
// re-verified on every read, so a damaged or altered cache file is never used either.
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { execa } from 'execa'
import { WrapixError } from '../errors.js'
import type { NpmTarball } from './agent-sources.js'

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/'
const ALGORITHMS = ['sha512', 'sha384', 'sha256'] as const // strongest first; sha1 is not accepted
type Algorithm = (typeof ALGORITHMS)[number]

export interface VerifiedTarball extends NpmTarball {
  readonly path: string
  readonly integrity: string // the SRI the file was verified against
}

export interface FetchOptions {
  readonly registry: string
  /** wrapix's cache dir; tarballs go to <cacheDir>/npm/. */
  readonly cacheDir: string
  readonly timeoutMs?: number
}

/** The registry npm itself would use: $npm_config_registry, else `npm config get registry`, else npmjs.org. */
export async function resolveNpmRegistry(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY
  if (fromEnv) return fromEnv
  const result = await execa('npm', ['config', 'get', 'registry'], { reject: false, timeout: 15_000 })
  const value = result.exitCode === 0 ? result.stdout.trim() : ''
  return /^https?:\/\//.test(value) ? value : DEFAULT_NPM_REGISTRY
}

/** Picks the strongest accepted hash from an SRI string ("sha512-… sha1-…"). */
export function parseIntegrity(sri: string): { algorithm: Algorithm; digest: string } | null {
  const entries = sri.trim().split(/\s+/).map((part) => {
    const dash = part.indexOf('-')
    return { algorithm: part.slice(0, dash), digest: part.slice(dash + 1).split('?')[0] ?? '' }
  })
  for (const algorithm of ALGORITHMS) {
    const found = entries.find((e) => e.algorithm === algorithm && e.digest !== '')
    if (found) return { algorithm, digest: found.digest }
  }
  return null
}

export const packumentUrl = (registry: string, pkg: string): string =>
  `${registry.replace(/\/+$/, '')}/${pkg.startsWith('@') ? pkg.replace('/', '%2f') : pkg}`

export async function fetchVerifiedTarball(ref: NpmTarball, opts: FetchOptions): Promise<VerifiedTarball> {
  const label = `${ref.pkg}@${ref.version}`
  const dist = await fetchDist(ref, opts)
  const wanted = parseIntegrity(dist.integrity)
  if (!wanted) {
    throw new WrapixError('policy', `${label}: the registry publishes no sha512 integrity hash (${dist.integrity})`, 'use a version published with an integrity hash')
  }
  const dir = join(opts.cacheDir, 'npm')
  const file = join(dir, `${wanted.algorithm}-${Buffer.from(wanted.digest, 'base64').toString('hex')}.tgz`)
  if (await exists(file)) {
    if ((await digestFile(file, wanted.algorithm)) === wanted.digest) return { ...ref, path: file, integrity: dist.integrity }
    await rm(file, { force: true }) // damaged cache entry: fetch it again, and verify that copy
  }
  await mkdir(dir, { recursive: true })
  const partial = `${file}.${process.pid}.${Date.now()}.partial`
  try {
    const actual = await download(dist.tarball, partial, wanted.algorithm, label, opts)
    if (actual !== wanted.digest) {
      throw new WrapixError(
        'policy',
        `${label}: the downloaded tarball does not match the registry's integrity hash (expected ${wanted.algorithm}-${wanted.digest}, got ${wanted.algorithm}-${actual}); refusing to use it`,
        `retry later; if it persists, the registry or a proxy between you serves altered files (${dist.tarball})`,
      )
    }
    await rename(partial, file)
  } finally {
    await rm(partial, { force: true })
  }
  return { ...ref, path: file, integrity: dist.integrity }
}

async function fetchDist(ref: NpmTarball, opts: FetchOptions): Promise<{ integrity: string; tarball: string }> {
  const url = packumentUrl(opts.registry, ref.pkg)
  const response = await httpGet(url, opts, { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' })
  const body = (await response.json().catch(() => null)) as { versions?: Record<string, { dist?: { integrity?: unknown; tarball?: unknown } }> } | null
  const dist = body?.versions?.[ref.version]?.dist
  if (!dist) {
    throw new WrapixError('config', `${ref.pkg}@${ref.version} is not published on ${opts.registry}`, `check the version pinned in the profile: npm view ${ref.pkg} versions`)
  }
  if (typeof dist.integrity !== 'string' || typeof dist.tarball !== 'string') {
    throw new WrapixError('policy', `${ref.pkg}@${ref.version}: the registry lists no integrity hash for the tarball`, 'use a version published with an integrity hash')
  }
  return { integrity: dist.integrity, tarball: dist.tarball }
}

async function download(url: string, dest: string, algorithm: Algorithm, label: string, opts: FetchOptions): Promise<string> {
  const response = await httpGet(url, opts, {})
  if (!response.body) throw new WrapixError('internal', `${label}: empty response from ${url}`, 'retry later')
  const hash = createHash(algorithm)
  const tee = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk)
      done(null, chunk)
    },
  })
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), tee, createWriteStream(dest))
  return hash.digest('base64')
}

async function httpGet(url: string, opts: FetchOptions, headers: Record<string, string>): Promise<Response> {
  let response: Response
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 300_000) })
  } catch (err) {
    throw new WrapixError('host', `cannot reach the npm registry at ${url} (${(err as Error).message})`, 'check the network, or set another registry: npm config set registry URL', { cause: err })
  }
  if (response.status === 404) {
    throw new WrapixError('config', `not found on the npm registry: ${url}`, 'check the agent versions pinned in the profile and the registry: npm config get registry')
  }
  if (!response.ok) {
    throw new WrapixError('host', `the npm registry answered ${response.status} for ${url}`, 'check the registry setting: npm config get registry')
  }
  return response
}

async function digestFile(file: string, algorithm: Algorithm): Promise<string> {
  const hash = createHash(algorithm)
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('base64')
}

const exists = (file: string): Promise<boolean> => stat(file).then(() => true, () => false)
