// A mkDevShell shell's generated profile (WRAPIX_DEVSHELL_PROFILE): chosen by the environment, loaded as a
// project file (so the project-profile approval gate applies), and its packages validated before they reach Nix.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { wrapixPaths } from '../../../src/config/paths.js'
import { BUILTIN_PROFILES_DIR, DEVSHELL_PROFILE, loadProfile } from '../../../src/config/profiles.js'
import { contentHash, profileWidenings } from '../../../src/config/approval.js'
import { loadProfileFor } from '../../../src/config/load-layers.js'
import { resolveProfileName } from '../../../src/config/resolve.js'
import { ProfileSchema } from '../../../src/config/schema.js'
import { emptyFlags } from '../../../src/config/settings.js'
import { thrownBy } from '../helpers/errors.js'

const NODE = '/nix/store/0a1b2c3d4e5f6g7h8i9j0k1l2m3n4p5q-nodejs-22.12.0'
const RG = '/nix/store/9z8y7x6w5v4s3r2q1p0n9m8l7k6j5i4h-ripgrep-14.1.1'

describe('which profile a dev shell selects', () => {
  const layers = { user: null, project: null }
  it('WRAPIX_DEVSHELL_PROFILE selects the dev shell profile; a flag or WRAPIX_PROFILE still wins', () => {
    const env = { WRAPIX_DEVSHELL_PROFILE: '/nix/store/x-wrapix-devshell-profile.json' }
    expect(resolveProfileName(emptyFlags(), env, layers)).toEqual({ value: DEVSHELL_PROFILE, source: 'env' })
    expect(resolveProfileName({ ...emptyFlags(), profile: 'rust' }, env, layers)).toEqual({ value: 'rust', source: 'flag' })
    expect(resolveProfileName(emptyFlags(), { ...env, WRAPIX_PROFILE: 'python' }, layers)).toEqual({ value: 'python', source: 'env' })
    expect(resolveProfileName(emptyFlags(), { WRAPIX_DEVSHELL_PROFILE: '' }, layers).value).toBe('base')
  })

  it('wrapixPaths carries the file only when the variable is set', () => {
    expect(wrapixPaths({ WRAPIX_DEVSHELL_PROFILE: '/nix/store/p.json' }, '/home/ada', 1000).devShellProfile).toBe('/nix/store/p.json')
    expect(wrapixPaths({}, '/home/ada', 1000)).not.toHaveProperty('devShellProfile')
  })
})

describe('loading the dev shell profile', () => {
  let root: string
  let file: string
  const text = JSON.stringify({ description: 'the packages of a nix develop shell', extends: 'base', packages: { nix: [NODE, RG] } })
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wrapix-unit-devshell-'))
    file = join(root, 'wrapix-devshell-profile.json')
    writeFileSync(file, text)
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('extends the named profile, adds the store paths, and counts as a project file', () => {
    const resolved = loadProfile(DEVSHELL_PROFILE, { builtin: BUILTIN_PROFILES_DIR, devShell: file })
    expect(resolved.chain.map((l) => [l.name, l.source])).toEqual([['base', 'builtin'], [DEVSHELL_PROFILE, 'project']])
    expect(resolved.profile.packages.nix).toEqual([NODE, RG])
    expect(resolved.profile.network.allowedDomains).toContain('api.anthropic.com') // base's, inherited
  })

  it('is refused until approved on the host, then used (the project-profile gate)', () => {
    const paths = { ...wrapixPaths({}, root, 1000), devShellProfile: file }
    const err = thrownBy(() => loadProfileFor(DEVSHELL_PROFILE, paths, root, { user: null, project: null }))
    expect(err).toMatchObject({ kind: 'policy', hint: expect.stringContaining(`wrapix policy approve ${file}`) })
    const user = { file: 'u.yaml', text: '', value: { approvedPolicies: [{ file, hash: contentHash(text) }] } } as never
    expect(loadProfileFor(DEVSHELL_PROFILE, paths, root, { user, project: null }).profile.packages.nix).toEqual([NODE, RG])
    // A changed package list is a new file content: the old approval does not cover it.
    writeFileSync(file, text.replace(RG, '/nix/store/aaaabbbbccccddddeeeeffffgggghhhh-evil'))
    expect(thrownBy(() => loadProfileFor(DEVSHELL_PROFILE, paths, root, { user, project: null })).kind).toBe('policy')
  })

  it("approving it lists the packages it puts in the image", () => {
    const own = ProfileSchema.parse(JSON.parse(text))
    expect(profileWidenings(own)).toEqual([`packages.nix: ${NODE}`, `packages.nix: ${RG}`])
  })

  it('a missing file (a stale shell after garbage collection) is a config error naming the variable', () => {
    const err = thrownBy(() => loadProfile(DEVSHELL_PROFILE, { builtin: BUILTIN_PROFILES_DIR, devShell: join(root, 'gone.json') }))
    expect(err).toMatchObject({ kind: 'config', message: expect.stringContaining('WRAPIX_DEVSHELL_PROFILE') })
  })

  it('without the variable, "devshell" is an ordinary (unknown) profile name', () => {
    expect(thrownBy(() => loadProfile(DEVSHELL_PROFILE, { builtin: BUILTIN_PROFILES_DIR })).message).toContain('unknown profile "devshell"')
  })
})

describe('Nix package names in profiles', () => {
  const nix = (packages: string[]) => ProfileSchema.safeParse({ packages: { nix: packages } }).success
  it('takes nixpkgs attribute paths and store paths', () => {
    expect(nix(['ripgrep', 'python3Packages.pip', 'nodejs_22', "haskellPackages.lens-family'", NODE])).toBe(true)
  })
  it.each([
    ['a path out of the store', '/etc/passwd'],
    ['a store path that climbs out', '/nix/store/0a1b2c3d4e5f6g7h8i9j0k1l2m3n4p5q-x/../../../etc'],
    ['a relative path', '../pkgs'],
    ['Nix code', 'pkgs.${builtins.readFile /etc/shadow}'],
    ['an empty attribute', 'python3Packages..pip'],
    ['a newline', 'ripgrep\nfoo'],
  ])('refuses %s', (_what, value) => {
    expect(nix([value])).toBe(false)
  })
})
