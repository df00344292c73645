// Real podman: the cache hit read from podman's own image list names the same image id podman reports, and a
// name podman does not have is left to podman (null).
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import { probeHost } from '../../../src/host/probe.js'
import { storedImageId } from '../../../src/image/stored-image.js'
import { BASE_IMAGE, requirePodman } from '../../helpers/podman.js'

const podman = await requirePodman()
const host = probeHost()

describe.skipIf(!podman)('storedImageId with real podman storage', () => {
  it('gives the id podman image inspect gives for the local base image', async () => {
    const inspected = (await execa('podman', ['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE])).stdout.trim()
    expect(await storedImageId(BASE_IMAGE, host.user)).toBe(inspected)
  })

  it('answers null for a name podman does not have', async () => {
    expect(await storedImageId(`${BASE_IMAGE}-absent-${process.pid}`, host.user)).toBeNull()
  })
})
