// Real podman: build the base profile's image from the local Debian base with the real Claude Code tarball,
// reuse it, and prune around it. Every image and container is named after this run and removed afterwards.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { wrapixPaths } from '../../../src/config/paths.js'
import { BUILTIN_PROFILES_DIR, loadProfile, type ProfileDirs } from '../../../src/config/profiles.js'
import { probeHost } from '../../../src/host/probe.js'
import { ensureImage } from '../../../src/image/ensure.js'
import { pruneImages } from '../../../src/image/prune-images.js'
import { BASE_IMAGE, requirePodman, removeContainersByLabel, TEST_LABEL, uniqueName } from '../../helpers/podman.js'

const podman = await requirePodman()
const name = uniqueName('itest-image')
const repo = `localhost/wrapix-${name}`
const host = probeHost()
const work = mkdtempSync(join(tmpdir(), 'wrapix-image-'))
// Verified tarballs are content-addressed and re-verified on read, so runs may share one download cache.
const paths = { ...wrapixPaths({ XDG_STATE_HOME: join(work, 'state'), XDG_RUNTIME_DIR: join(work, 'run') }, work, host.user.uid), cacheDir: join(tmpdir(), 'wrapix-test-image-cache') }
// Only this run's profile is visible, so prune cannot judge (and remove) images of anyone else's profiles.
const dirs: ProfileDirs = { builtin: join(work, 'profiles') }
const extraImages: string[] = []

beforeAll(() => {
  mkdirSync(dirs.builtin, { recursive: true })
  copyFileSync(join(BUILTIN_PROFILES_DIR, 'base.yaml'), join(dirs.builtin, `${name}.yaml`)) // the base profile, under this run's name
})

afterAll(async () => {
  await removeContainersByLabel({ [TEST_LABEL]: name })
  const { stdout } = await execa('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${repo}`], { reject: false })
  const refs = [...stdout.split('\n').filter(Boolean), ...extraImages]
  if (refs.length > 0) await execa('podman', ['rmi', '--force', ...refs], { reject: false })
  rmSync(work, { recursive: true, force: true })
}, 120_000)

describe.skipIf(!podman)('ensureImage with real podman', () => {
  const profile = () => loadProfile(name, dirs).profile
  let ref = ''
  let id = ''

  it('builds the image once for two concurrent starts, and the real Claude Code runs inside', async () => {
    const steps: string[] = []
    const [a, b] = await Promise.all([
      ensureImage(name, profile(), host, { paths, onProgress: (s) => steps.push(s) }),
      // Either start may win the lock: both report progress, so the builder's steps are seen whichever it is.
      ensureImage(name, profile(), host, { paths, onProgress: (s) => steps.push(s) }),
    ])
    expect([a.built, b.built].sort()).toEqual([false, true])
    expect(a.ref).toBe(b.ref)
    expect(a.id).toBe(b.id)
    ref = a.ref
    id = a.id
    expect(ref).toMatch(new RegExp(`^${repo}:[0-9a-f]{12}$`))
    expect(steps.some((s) => s.startsWith('step '))).toBe(true)
    const base = await execa('podman', ['image', 'inspect', '--format', '{{.Labels}}', ref])
    expect(base.stdout).toContain('wrapix.managed:true')

    const run = await execa('podman', [
      'run', '--rm', '--cap-drop', 'all', '--security-opt', 'no-new-privileges', '--network', 'none',
      '--user', '1000:1000', '--label', `${TEST_LABEL}=${name}`, ref, 'claude', '--version',
    ])
    expect(run.stdout.trim()).toBe('2.1.330 (Claude Code)')
  }, 900_000)

  it('does not build again for an unchanged profile', async () => {
    const steps: string[] = []
    const again = await ensureImage(name, profile(), host, { paths, onProgress: (s) => steps.push(s) })
    expect(again).toEqual({ ref, id, built: false })
    expect(steps).toEqual([])
  })

  it('prunes a stale image of the profile but keeps one a container uses, the current one, and other images', async () => {
    const stale = async (tag: string, labels: string[], containerfileExtra = '') => {
      const context = mkdtempSync(join(work, 'ctx-'))
      writeFileSync(join(context, 'Containerfile'), `FROM ${BASE_IMAGE}\nLABEL ${labels.join(' ')} wrapix.test.variant=${tag.replace(/\W/g, '')}${containerfileExtra}\n`)
      await execa('podman', ['build', '--quiet', '--tag', tag, context])
    }
    const wrapixLabels = ['wrapix.managed=true', `wrapix.profile=${name}`]
    const inUse = `${repo}:aaaaaaaaaaaa`
    const unused = `${repo}:bbbbbbbbbbbb`
    const foreign = `localhost/${name}-other-tool:1`
    extraImages.push(foreign)
    await stale(inUse, wrapixLabels)
    await stale(unused, wrapixLabels)
    await stale(foreign, [])
    await execa('podman', ['run', '--detach', '--rm', '--label', `${TEST_LABEL}=${name}`, inUse, 'sleep', '300'])

    const outcomes = await pruneImages({ dirs, host, env: process.env })
    const mine = Object.fromEntries(outcomes.filter((o) => o.ref.startsWith(repo)).map((o) => [o.ref, o.removed]))
    expect(mine).toEqual({ [ref]: false, [inUse]: false, [unused]: true })
    const exists = async (image: string) => (await execa('podman', ['image', 'exists', image], { reject: false })).exitCode === 0
    expect(await exists(unused)).toBe(false)
    expect(await exists(inUse)).toBe(true)
    expect(await exists(ref)).toBe(true)
    expect(await exists(foreign)).toBe(true)
    expect(await exists(BASE_IMAGE)).toBe(true)
  }, 300_000)
})
