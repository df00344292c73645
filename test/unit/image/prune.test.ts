import { describe, expect, it } from 'vitest'
import type { ContainerUse, StoredImage } from '../../../src/image/image-store.js'
import { planPrune } from '../../../src/image/prune.js'

const image = (id: string, names: string[], labels: Record<string, string> = { 'wrapix.managed': 'true', 'wrapix.profile': 'base' }): StoredImage =>
  ({ id, names, labels, sizeBytes: 1, createdAt: new Date(0) })
const container = (imageId: string, running = true): ContainerUse => ({ id: `c-${imageId}`, name: `wrapix-${imageId}`, imageId, running })
const current = new Map<string, string | null>([['base', 'localhost/wrapix-base:aaaaaaaaaaaa'], ['rust', null]])
const actions = (decisions: ReturnType<typeof planPrune>) => Object.fromEntries(decisions.map((d) => [d.ref, d.action]))

describe('planPrune', () => {
  it('removes stale wrapix images and keeps the current tag of each profile', () => {
    const decisions = planPrune([image('1', ['localhost/wrapix-base:aaaaaaaaaaaa']), image('2', ['localhost/wrapix-base:bbbbbbbbbbbb'])], [], current)
    expect(actions(decisions)).toEqual({ 'localhost/wrapix-base:aaaaaaaaaaaa': 'keep', 'localhost/wrapix-base:bbbbbbbbbbbb': 'remove' })
  })

  it('keeps a stale image while any container (running or stopped) uses it', () => {
    const decisions = planPrune([image('sha256:22', ['localhost/wrapix-base:bbbbbbbbbbbb'])], [container('22', false)], current)
    expect(decisions).toEqual([expect.objectContaining({ action: 'keep', reason: 'in use by wrapix-22' })])
  })

  it('never touches images without the wrapix label or with other names', () => {
    const decisions = planPrune(
      [
        image('3', ['docker.io/library/debian:bookworm-slim'], {}),
        image('4', ['localhost/wrapix-base:bookworm'], { 'wrapix.base': 'bookworm' }),
        image('5', ['localhost/other-tool:cccccccccccc']),
      ],
      [],
      current,
    )
    expect(decisions).toEqual([])
  })

  it('removes every image of a profile that names its own image, and keeps images of unknown profiles', () => {
    const decisions = planPrune(
      [image('6', ['localhost/wrapix-rust:dddddddddddd'], { 'wrapix.managed': 'true', 'wrapix.profile': 'rust' }),
       image('7', ['localhost/wrapix-mine:eeeeeeeeeeee'], { 'wrapix.managed': 'true', 'wrapix.profile': 'mine' })],
      [],
      current,
    )
    expect(actions(decisions)).toEqual({ 'localhost/wrapix-rust:dddddddddddd': 'remove', 'localhost/wrapix-mine:eeeeeeeeeeee': 'keep' })
  })
})
