import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { imageIdInList, imageListPath, storageSettings } from '../../../src/image/stored-image.js'

const ID = 'a'.repeat(64)
const REF = 'localhost/wrapix-base:0123456789ab'
const me = process.getuid?.() ?? 0
let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wrapix-stored-image-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const list = (content: unknown, name = 'images.json'): string => {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

describe('imageIdInList: the cache hit read from podman’s own image list', () => {
  it('finds an image by one of its names', async () => {
    const path = list([{ id: 'b'.repeat(64), names: ['localhost/other:1'] }, { id: ID, names: ['localhost/x:1', REF], digest: 'sha256:…' }])
    expect(await imageIdInList(path, REF, me)).toBe(ID)
  })

  it('answers null (ask podman) for a name it does not list, an image without names, and no list at all', async () => {
    const path = list([{ id: ID }, { id: 'b'.repeat(64), names: ['localhost/wrapix-base:ffffffffffff'] }])
    expect(await imageIdInList(path, REF, me)).toBeNull()
    expect(await imageIdInList(join(dir, 'absent.json'), REF, me)).toBeNull()
  })

  it('refuses a list owned by someone else', async () => {
    const path = list([{ id: ID, names: [REF] }])
    expect(await imageIdInList(path, REF, me + 1)).toBeNull()
  })

  it('refuses a list reached through a symlink', async () => {
    const real = list([{ id: ID, names: [REF] }], 'real.json')
    symlinkSync(real, join(dir, 'images.json'))
    expect(await imageIdInList(join(dir, 'images.json'), REF, me)).toBeNull()
  })

  it('refuses a directory, and an id that is not an image id', async () => {
    mkdirSync(join(dir, 'images.json'))
    expect(await imageIdInList(join(dir, 'images.json'), REF, me)).toBeNull()
    const bad = list([{ id: '../../etc', names: [REF] }], 'bad.json')
    expect(await imageIdInList(bad, REF, me)).toBeNull()
  })

  it('throws on a list that is not JSON (the caller then asks podman)', async () => {
    await expect(imageIdInList(list('{not json'), REF, me)).rejects.toThrow()
  })
})

describe('imageListPath: only the default overlay storage is read', () => {
  const rootless = { uid: 1000, home: '/home/ada' }
  const root = { uid: 0, home: '/root' }
  const conf = (text: string): string => {
    const path = join(dir, 'storage.conf')
    writeFileSync(path, text)
    return path
  }

  it('is the default graphroot for root and XDG_DATA_HOME (or ~/.local/share) for a rootless user', async () => {
    expect(await imageListPath(root, {}, [])).toBe('/var/lib/containers/storage/overlay-images/images.json')
    expect(await imageListPath(rootless, {}, [])).toBe('/home/ada/.local/share/containers/storage/overlay-images/images.json')
    expect(await imageListPath(rootless, { XDG_DATA_HOME: '/data' }, [])).toBe('/data/containers/storage/overlay-images/images.json')
  })

  it('keeps the default for a storage.conf that names the defaults (driver overlay, default graphroot)', async () => {
    const path = conf('[storage]\ndriver = "overlay"   # default\ngraphroot = "/var/lib/containers/storage"\nrunroot = "/run/containers/storage"\n')
    expect(await imageListPath(root, {}, [path])).toBe('/var/lib/containers/storage/overlay-images/images.json')
  })

  it('asks podman when a storage.conf moves the storage or picks another driver, or CONTAINERS_STORAGE_CONF is set', async () => {
    expect(await imageListPath(root, {}, [conf('[storage]\ngraphroot = "/srv/containers"\n')])).toBeNull()
    expect(await imageListPath(rootless, {}, [conf('[storage]\nrootless_storage_path = "/srv/$USER"\n')])).toBeNull()
    expect(await imageListPath(root, {}, [conf('[storage]\ndriver = "vfs"\n')])).toBeNull()
    expect(await imageListPath(root, { CONTAINERS_STORAGE_CONF: '/etc/other.conf' }, [])).toBeNull()
    expect(await imageListPath(root, { STORAGE_DRIVER: 'vfs' }, [])).toBeNull()
    // A normal user's own storage.conf may move their storage with graphroot too (containers/storage honours it).
    expect(await imageListPath(rootless, {}, [conf('[storage]\ngraphroot = "/data/podman"\n')])).toBeNull()
  })

  it('uses only the first storage.conf that exists, as podman does', async () => {
    const first = conf('[storage]\ndriver = "overlay"\n')
    const second = join(dir, 'second.conf')
    writeFileSync(second, '[storage]\ndriver = "vfs"\n')
    expect(await imageListPath(root, {}, [join(dir, 'absent.conf'), first, second])).toBe('/var/lib/containers/storage/overlay-images/images.json')
  })

  it('asks podman when a storage.conf is there but cannot be read as a plain file (a link, a directory)', async () => {
    const real = conf('[storage]\ndriver = "overlay"\n')
    symlinkSync(real, join(dir, 'link.conf'))
    expect(await imageListPath(root, {}, [join(dir, 'link.conf')])).toBeNull()
    mkdirSync(join(dir, 'dir.conf'))
    expect(await imageListPath(root, {}, [join(dir, 'dir.conf')])).toBeNull()
  })

  it('asks podman (null) for a storage key written in a form it does not follow: single quotes, a dotted key', () => {
    expect(storageSettings("[storage]\ndriver = 'vfs'\n")).toBeNull()
    expect(storageSettings('storage.driver = "vfs"\n')).toBeNull()
    expect(storageSettings("[storage]\ngraphroot = '/data'\n")).toBeNull()
  })

  it('reads settings from the [storage] table only', () => {
    expect(storageSettings('[storage.options]\ndriver = "vfs"\n[storage]\ndriver = "overlay" # x\n')).toEqual({ driver: 'overlay' })
  })
})
