// Start-up without compiling: the bundled CLI (one CommonJS file) is compiled with V8's code cache, kept in the
// user's own cache dir. Node 20 has no compile cache for ES modules, and compiling the bundle is most of
// wrapix's start-up CPU. V8 checks the cache against its version and flags but not the source text, so the
// cache's name carries the bundle file's identity (a build writes a new file: new inode, times and size; hashing
// its 3 MB would cost more than the rest); and cached bytecode runs as code, so a cache file is used only when
// it is a regular file (never through a link) that the user owns and nobody else can write. Anything else
// (absent, refused, rejected by V8) just compiles the source, and a fresh cache is written when the run ends.
// Imports only node built-ins: it runs before anything else is loaded.
import { isAscii } from 'node:buffer'
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { Script } from 'node:vm'

export interface LoadedBundle {
  readonly exports: Record<string, unknown>
  /** Whether V8 took the cached code. */
  readonly cacheUsed: boolean
  /** Writes the cache when it was not used (call once the run has compiled what it needs); never throws. */
  saveCache(): void
}

/** Where the user's caches live (the same dir as wrapixPaths().cacheDir). */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = env.HOME || homedir()): string {
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'wrapix', 'code-cache')
}

/** Identity of the bundle file: device, inode, size and change times (ns), which any rewrite changes. */
export interface FileIdentity {
  readonly dev: bigint
  readonly ino: bigint
  readonly size: bigint
  readonly mtimeNs: bigint
  readonly ctimeNs: bigint
}

/** The cache file for this bundle on this node: a rebuilt bundle or another node never finds an old cache. */
export function codeCachePath(dir: string, bundle: FileIdentity): string {
  const identity = [bundle.dev, bundle.ino, bundle.size, bundle.mtimeNs, bundle.ctimeNs].join(':')
  const key = createHash('sha256').update(`${process.version}\0${process.arch}\0${process.execArgv.join(' ')}\0${identity}`).digest('hex').slice(0, 32)
  return join(dir, `${key}.bin`)
}

/** The cache's bytes, or null unless it is a regular file (not a link) owned by `uid` and writable by no one else. */
export function readOwnCache(path: string, uid: number | null = currentUid()): Buffer | null {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch {
    return null
  }
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile() || (uid !== null && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return null
    return readFileSync(fd)
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}

/** Writes the cache atomically (a private temp file renamed into place, in a private dir). */
export function writeOwnCache(path: string, data: Buffer): void {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    writeFileSync(temp, data, { flag: 'wx', mode: 0o600 })
    renameSync(temp, path)
  } catch {
    rmSync(temp, { force: true })
  }
}

const currentUid = (): number | null => (typeof process.getuid === 'function' ? process.getuid() : null)

/** Compiles and runs the CommonJS bundle at `file` with the code cache in `cacheDir`; returns its exports. */
export function loadBundle(file: string, cacheDir: string = codeCacheDir()): LoadedBundle {
  // One read of the file whose identity names the cache. The bundle is ASCII (charset: 'ascii'), which decodes
  // as latin1 much faster than as UTF-8; anything else is decoded as UTF-8.
  const fd = openSync(file, constants.O_RDONLY)
  let source: string
  let cachePath: string
  try {
    cachePath = codeCachePath(cacheDir, fstatSync(fd, { bigint: true }))
    const bytes = readFileSync(fd)
    source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8')
  } finally {
    closeSync(fd)
  }
  const cached = readOwnCache(cachePath)
  // The CommonJS wrapper node itself puts around a module, so the bundle runs as it would under require().
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cached ? { cachedData: cached } : {}),
  })
  const cacheUsed = cached !== null && !script.cachedDataRejected
  const module = { exports: {} as Record<string, unknown> }
  ;(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file))
  let saved = cacheUsed
  return {
    exports: module.exports,
    cacheUsed,
    saveCache() {
      if (saved) return
      saved = true
      try {
        writeOwnCache(cachePath, script.createCachedData())
      } catch {
        // a cache is an optimisation: the next start compiles again
      }
    },
  }
}
