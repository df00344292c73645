import { describe, expect, it } from 'vitest'
import { parseContainers, parseImages } from '../../../src/image/image-store.js'

describe('parsing podman JSON', () => {
  it('reads id, names, labels, size and creation time (unix seconds) from `podman images --format json`', () => {
    const images = parseImages([{
      Id: 'f5fe01ac0865', Names: ['localhost/wrapix-base:0123456789ab'], Labels: { 'wrapix.managed': 'true' }, Size: 359299765, Created: 1795316983,
    }])
    expect(images).toEqual([{
      id: 'f5fe01ac0865',
      names: ['localhost/wrapix-base:0123456789ab'],
      labels: { 'wrapix.managed': 'true' },
      sizeBytes: 359299765,
      createdAt: new Date(1795316983 * 1000),
    }])
  })

  it('treats an untagged, unlabelled image as having no names and no labels', () => {
    expect(parseImages([{ Id: 'ab', Names: null, Labels: null }])).toMatchObject([{ id: 'ab', names: [], labels: {} }])
  })

  it('reads the first name, the image id and whether it runs from `podman ps --all --format json`', () => {
    const containers = parseContainers([
      { Id: 'c1', Names: ['wrapix-one'], ImageID: 'f5fe01ac0865', State: 'running' },
      { Id: 'c2', Names: ['stopped'], ImageID: 'ab', State: 'exited' },
    ])
    expect(containers).toEqual([
      { id: 'c1', name: 'wrapix-one', imageId: 'f5fe01ac0865', running: true },
      { id: 'c2', name: 'stopped', imageId: 'ab', running: false },
    ])
  })

  it('reads anything but a JSON array as no entries', () => {
    expect(parseImages(null)).toEqual([])
    expect(parseContainers({})).toEqual([])
  })
})
