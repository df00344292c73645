import { describe, expect, it } from 'vitest'
import type { ContainerUse, StoredImage } from '../../../src/image/image-store.js'
import { imageRows } from '../../../src/image/list-images.js'

const created = new Date('2026-01-02T03:04:05.000Z')
const image = (id: string, names: string[], profile = 'base'): StoredImage =>
  ({ id, names, labels: { 'wrapix.managed': 'true', 'wrapix.profile': profile }, sizeBytes: 123, createdAt: created })
const container = (id: string, name: string, imageId: string): ContainerUse => ({ id, name, imageId, running: false })
const current = new Map<string, string | null>([['base', 'localhost/wrapix-base:aaaaaaaaaaaa'], ['rust', null]])

describe('imageRows', () => {
  it('gives every tag its own row, marks the current one, and shortens the id', () => {
    const rows = imageRows([image('0123456789abcdef', ['localhost/wrapix-base:aaaaaaaaaaaa', 'localhost/wrapix-base:bbbbbbbbbbbb'])], [], current)
    expect(rows).toEqual([
      { profile: 'base', ref: 'localhost/wrapix-base:aaaaaaaaaaaa', id: '0123456789ab', sizeBytes: 123, createdAt: '2026-01-02T03:04:05.000Z', inUseBy: [], current: true },
      { profile: 'base', ref: 'localhost/wrapix-base:bbbbbbbbbbbb', id: '0123456789ab', sizeBytes: 123, createdAt: '2026-01-02T03:04:05.000Z', inUseBy: [], current: false },
    ])
  })

  it('names the containers (running or stopped) that use an image, by name or short id', () => {
    const containers = [
      container('c1', 'wrapix-one', '0123456789ab'),
      container('fedcba9876543210', '', 'sha256:0123456789abcdef'),
      container('c3', 'other', 'ffff'),
    ]
    const [row] = imageRows([image('0123456789abcdef', ['localhost/wrapix-base:bbbbbbbbbbbb'])], containers, current)
    expect(row?.inUseBy).toEqual(['wrapix-one', 'fedcba987654'])
  })

  it('lists an untagged image once, and an unlabelled profile as "?"', () => {
    const rows = imageRows([{ ...image('99', []), labels: { 'wrapix.managed': 'true' } }], [], current)
    expect(rows).toEqual([expect.objectContaining({ ref: '<untagged>', profile: '?', current: false })])
  })
})
