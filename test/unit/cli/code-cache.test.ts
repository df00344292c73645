import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { codeCacheDir, codeCachePath, loadBundle, readOwnCache, writeOwnCache } from '../../../src/cli/code-cache.js'

let dir: string
let cacheDir: string
const me = process.getuid?.() ?? 0

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wrapix-code-cache-'))
  cacheDir = join(dir, 'cache')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const bundle = (body: string, name = 'bundle.cjs'): string => {
  const path = join(dir, name)
  rmSync(path, { force: true }) // a build writes a new file
  writeFileSync(path, `${body}\nfunction helper(x) { return x * 2 }\nexports.answer = helper(21); exports.file = __filename;\n`)
  return path
}
const cacheFiles = (): string[] => readdirSync(cacheDir).filter((f) => f.endsWith('.bin'))

describe('loadBundle: the CLI bundle compiled with a code cache', () => {
  it('runs the bundle as CommonJS, writes the cache once, and uses it on the next start', () => {
    const file = bundle('exports.text = "pl\\u00e9"')
    const first = loadBundle(file, cacheDir)
    expect(first.exports).toMatchObject({ answer: 42, file, text: 'plé' })
    expect(first.cacheUsed).toBe(false)
    first.saveCache()
    expect(cacheFiles()).toHaveLength(1)
    const second = loadBundle(file, cacheDir)
    expect(second.cacheUsed).toBe(true)
    expect(second.exports).toMatchObject({ answer: 42 })
  })

  it('decodes a bundle that is not ASCII as UTF-8', () => {
    const file = bundle('exports.text = "—é"')
    expect(loadBundle(file, cacheDir).exports).toMatchObject({ text: '—é' })
  })

  it('never uses the cache of a rebuilt bundle, even one of the same size', () => {
    const file = bundle('exports.v = 1')
    loadBundle(file, cacheDir).saveCache()
    const rebuilt = bundle('exports.v = 2')
    utimesSync(rebuilt, new Date(Date.now() + 5000), new Date(Date.now() + 5000)) // a later build
    const loaded = loadBundle(rebuilt, cacheDir)
    expect(loaded.cacheUsed).toBe(false)
    expect(loaded.exports).toMatchObject({ v: 2 })
  })

  it('compiles the source when the cache is corrupt, and replaces it', () => {
    const file = bundle('exports.v = 3')
    const path = codeCachePath(cacheDir, statSync(file, { bigint: true }))
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 })
    writeFileSync(path, Buffer.alloc(4096, 7), { mode: 0o600 })
    const loaded = loadBundle(file, cacheDir)
    expect(loaded.cacheUsed).toBe(false)
    expect(loaded.exports).toMatchObject({ v: 3 })
    loaded.saveCache()
    expect(loadBundle(file, cacheDir).cacheUsed).toBe(true)
  })

  it('keeps the cache private: a 0700 dir and 0600 files', () => {
    const file = bundle('exports.v = 4')
    loadBundle(file, cacheDir).saveCache()
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700)
    expect(statSync(join(cacheDir, cacheFiles()[0]!)).mode & 0o777).toBe(0o600)
  })

  it('lives in the user cache dir (XDG_CACHE_HOME, else ~/.cache)', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/x/cache' }, '/home/ada')).toBe('/x/cache/wrapix/code-cache')
    expect(codeCacheDir({}, '/home/ada')).toBe('/home/ada/.cache/wrapix/code-cache')
  })
})

describe('readOwnCache: cached bytecode runs as code, so only a file the user alone controls is read', () => {
  const cache = (): string => {
    const path = join(dir, 'c.bin')
    writeOwnCache(path, Buffer.from('bytes'))
    return path
  }

  it('reads the user’s own private file', () => {
    expect(readOwnCache(cache(), me)?.toString()).toBe('bytes')
  })

  it('refuses a file owned by someone else', () => {
    expect(readOwnCache(cache(), me + 1)).toBeNull()
  })

  it('refuses a file others can write', () => {
    const path = cache()
    chmodSync(path, 0o666)
    expect(readOwnCache(path, me)).toBeNull()
    chmodSync(path, 0o620)
    expect(readOwnCache(path, me)).toBeNull()
  })

  it('refuses a symlink, even to the user’s own cache', () => {
    const path = cache()
    symlinkSync(path, join(dir, 'link.bin'))
    expect(readOwnCache(join(dir, 'link.bin'), me)).toBeNull()
  })

  it('refuses a directory and answers null for an absent file', () => {
    mkdirSync(join(dir, 'd.bin'))
    expect(readOwnCache(join(dir, 'd.bin'), me)).toBeNull()
    expect(readOwnCache(join(dir, 'absent.bin'), me)).toBeNull()
  })

  it('loadBundle never follows a symlink at the cache path, even to a valid cache of this very bundle', () => {
    const file = bundle('exports.v = 5')
    const identity = statSync(file, { bigint: true })
    const elsewhere = join(dir, 'elsewhere')
    loadBundle(file, elsewhere).saveCache()
    expect(loadBundle(file, elsewhere).cacheUsed).toBe(true) // a valid cache for this bundle
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 })
    symlinkSync(codeCachePath(elsewhere, identity), codeCachePath(cacheDir, identity))
    expect(loadBundle(file, cacheDir).cacheUsed).toBe(false)
  })
})
