import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BUILTIN_PROFILES_DIR, listProfiles, loadProfile, mergeProfiles, parseProfile, type ProfileDirs } from '../../../src/config/profiles.js'
import { thrownBy } from '../helpers/errors.js'

describe('built-in profiles', () => {
  const builtin: ProfileDirs = { builtin: BUILTIN_PROFILES_DIR }

  it.each(['base', 'rust', 'python'])('%s loads and validates', (name) => {
    const resolved = loadProfile(name, builtin)
    expect(resolved.name).toBe(name)
    expect(resolved.profile.description).not.toBe('')
    expect(resolved.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(resolved.profile.network.allowedDomains).toContain('api.anthropic.com')
  })

  it('rust extends base: both lists, both envs, base first in the chain', () => {
    const rust = loadProfile('rust', builtin)
    expect(rust.chain.map((l) => [l.name, l.source])).toEqual([['base', 'builtin'], ['rust', 'builtin']])
    expect(rust.profile.packages.apt).toEqual(expect.arrayContaining(['git', 'sccache']))
    expect(rust.profile.network.allowedDomains).toEqual(expect.arrayContaining(['github.com', 'crates.io']))
    expect(rust.profile.env).toMatchObject({ EDITOR: 'vi', RUSTC_WRAPPER: 'sccache' })
    expect(rust.profile.mounts.every((m) => m.optional)).toBe(true)
  })

  it('lists the three built-ins', () => {
    expect(listProfiles(builtin).map((p) => p.name)).toEqual(expect.arrayContaining(['base', 'python', 'rust']))
  })
})

describe('loadProfile with user and project profiles', () => {
  let root: string
  let dirs: { project: string; user: string; builtin: string }
  const write = (dir: string, name: string, text: string) => writeFileSync(join(dir, `${name}.yaml`), text)

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wrapix-unit-profiles-'))
    dirs = { project: join(root, 'project'), user: join(root, 'user'), builtin: join(root, 'builtin') }
    for (const dir of Object.values(dirs)) mkdirSync(dir)
    write(dirs.builtin, 'base', 'description: base\nenv: { EDITOR: vi, LANGUAGE: en }\nnetwork: { allowedDomains: [github.com] }\nmounts:\n  - { source: ~/a, dest: /a }\n')
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('merges extends: lists are joined, env merged with the child winning, scalars replaced', () => {
    write(dirs.user, 'mine', 'extends: base\nenv: { EDITOR: nano }\nnetwork: { mode: none, allowedDomains: [pypi.org, github.com] }\nmounts:\n  - { source: ~/b, dest: /b }\n  - { source: ~/a2, dest: /a, mode: rw }\n')
    const { profile, chain } = loadProfile('mine', dirs)
    expect(profile.env).toEqual({ EDITOR: 'nano', LANGUAGE: 'en' })
    expect(profile.network.allowedDomains).toEqual(['pypi.org', 'github.com'])
    expect(profile.network.mode).toBe('none')
    // same dest: the child's mount replaces the parent's
    expect(profile.mounts.map((m) => [m.source, m.dest, m.mode])).toEqual([['~/b', '/b', 'ro'], ['~/a2', '/a', 'rw']])
    expect(profile.description).toBe('base')
    expect(chain.map((l) => l.source)).toEqual(['builtin', 'user'])
  })

  it('prefers a project profile over a user one over a built-in one of the same name', () => {
    write(dirs.user, 'base', 'description: user base\n')
    expect(loadProfile('base', dirs).chain.at(-1)?.source).toBe('user')
    write(dirs.project, 'base', 'description: project base\n')
    expect(loadProfile('base', dirs).profile.description).toBe('project base')
  })

  it('a changed profile has a new digest', () => {
    write(dirs.user, 'mine', 'extends: base\n')
    const before = loadProfile('mine', dirs).digest
    write(dirs.builtin, 'base', 'description: changed\n')
    expect(loadProfile('mine', dirs).digest).not.toBe(before)
  })

  it('refuses a cycle and shows it', () => {
    write(dirs.user, 'a', 'extends: b\n')
    write(dirs.user, 'b', 'extends: a\n')
    const err = thrownBy(() => loadProfile('a', dirs))
    expect(err.kind).toBe('config')
    expect(err.message).toBe('profile "a" extends itself (a → b → a)')
  })

  it('refuses a profile that extends itself directly', () => {
    write(dirs.user, 'me', 'extends: me\n')
    expect(thrownBy(() => loadProfile('me', dirs)).message).toBe('profile "me" extends itself (me → me)')
  })

  it('names an unknown profile and lists the known ones', () => {
    write(dirs.user, 'mine', 'description: mine\n')
    const err = thrownBy(() => loadProfile('rustt', dirs))
    expect(err.kind).toBe('config')
    expect(err.message).toBe('unknown profile "rustt"')
    expect(err.hint).toContain('choose one of: base, mine')
  })

  it('names an unknown parent', () => {
    write(dirs.user, 'mine', 'extends: nothere\n')
    const err = thrownBy(() => loadProfile('mine', dirs))
    expect(err.message).toBe('unknown profile "nothere"')
    expect(err.hint).toContain('base, mine')
  })

  it.each(['../etc/passwd', 'Base', '', '-x'])('refuses the profile name %j', (name) => {
    expect(thrownBy(() => loadProfile(name, dirs)).message).toBe(`invalid profile name "${name}"`)
  })

  it('names file, line and field of an invalid profile', () => {
    write(dirs.user, 'bad', 'description: bad\nenv:\n  EDITOR: vi\nmount:\n  - { source: ~/x, dest: /x }\n')
    const err = thrownBy(() => loadProfile('bad', dirs))
    expect(err.kind).toBe('config')
    expect(err.message).toBe(`${join(dirs.user, 'bad.yaml')}:4: (top level): unknown field "mount"`)
  })

  it('also finds .yml files', () => {
    writeFileSync(join(dirs.user, 'short.yml'), 'description: short\n')
    expect(loadProfile('short', dirs).profile.description).toBe('short')
  })
})

describe('parseProfile and mergeProfiles', () => {
  it('an empty profile is all defaults', () => {
    expect(parseProfile('', 'x.yaml')).toMatchObject({ env: {}, mounts: [], packages: { apt: [], nix: [] } })
  })

  it('rejects an env name that is not a variable name', () => {
    expect(thrownBy(() => parseProfile('env:\n  "BAD-NAME": x\n', 'p.yaml')).message).toMatch(/^p\.yaml:2: env\.BAD-NAME: /)
  })

  it('keeps the parent image unless the child names one', () => {
    const parent = parseProfile('image: parent:1\nresources: { cpus: 2, memoryMb: 1024 }\n', 'p')
    expect(mergeProfiles(parent, parseProfile('description: c\n', 'c')).image).toBe('parent:1')
    const child = parseProfile('image: child:1\nresources: { memoryMb: 2048 }\n', 'c')
    expect(mergeProfiles(parent, child)).toMatchObject({ image: 'child:1', resources: { cpus: 2, memoryMb: 2048 } })
  })
})
