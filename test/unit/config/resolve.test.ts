import { describe, expect, it } from 'vitest'
import { parseConfig, type LoadedFile } from '../../../src/config/load.js'
import { contentHash } from '../../../src/config/approval.js'
import { defaultCpus, projectApproved, resolveProfileName, resolveSettings, type ConfigLayers } from '../../../src/config/resolve.js'
import type { Config } from '../../../src/config/schema.js'
import { emptyFlags, type RunFlagValues } from '../../../src/config/settings.js'
import { thrownBy } from '../helpers/errors.js'
import { aProfile } from '../helpers/settings.js'

const USER_FILE = '/home/ada/.config/wrapix/config.yaml'
const PROJECT_FILE = '/home/ada/src/app/.wrapix/config.yaml'
const PROFILE_FILE = '/usr/lib/wrapix/profiles/base.yaml'

const file = (path: string, text: string, realPath = path): LoadedFile<Config> => ({ file: path, realPath, text, value: parseConfig(text, path) })
const userFile = (text: string) => file(USER_FILE, text)
const projectFile = (text: string) => file(PROJECT_FILE, text)
/** A user file that approves exactly this project file's content at its real path. */
const approving = (project: LoadedFile<Config>, extra = '') =>
  userFile(`${extra}approvedPolicies:\n  - { file: "${project.realPath}", hash: "${contentHash(project.text)}" }\n`)

const profile = { ...aProfile({ resources: { memoryMb: 1024 }, env: { FROM: 'profile' } }), chain: [{ name: 'base', file: PROFILE_FILE, source: 'builtin' as const, text: '', realPath: PROFILE_FILE }] }

function resolve(opts: { flags?: Partial<RunFlagValues>; env?: NodeJS.ProcessEnv; user?: string; project?: string; layers?: ConfigLayers; hostCpus?: number } = {}) {
  const layers = opts.layers ?? { user: opts.user === undefined ? null : userFile(opts.user), project: opts.project === undefined ? null : projectFile(opts.project) }
  const flags = { ...emptyFlags(), ...opts.flags }
  const env = opts.env ?? {}
  return resolveSettings({ flags, env, layers, profileName: resolveProfileName(flags, env, layers), profile, hostCpus: opts.hostCpus ?? 8 })
}

describe('precedence: flag > env > project > user > profile > default', () => {
  it('takes the memory limit from each layer in turn, with its source and file', () => {
    const all = { flags: { memoryMb: 100 }, env: { WRAPIX_MEMORY: '200m' }, project: 'resources: { memoryMb: 300 }\n', user: 'resources: { memoryMb: 400 }\n' }
    expect(resolve(all).memoryMb).toEqual({ value: 100, source: 'flag' })
    expect(resolve({ ...all, flags: {} }).memoryMb).toEqual({ value: 200, source: 'env' })
    expect(resolve({ ...all, flags: {}, env: {} }).memoryMb).toEqual({ value: 300, source: 'project', file: PROJECT_FILE })
    expect(resolve({ user: all.user }).memoryMb).toEqual({ value: 400, source: 'user', file: USER_FILE })
    expect(resolve().memoryMb).toEqual({ value: 1024, source: 'profile', file: PROFILE_FILE })
  })

  it('falls back to defaults', () => {
    const s = resolveSettings({ flags: emptyFlags(), env: {}, layers: { user: null, project: null }, profileName: { value: 'base', source: 'default' }, profile: aProfile(), hostCpus: 8 })
    expect(s.memoryMb).toEqual({ value: 4096, source: 'default' })
    expect(s.pidsLimit).toEqual({ value: 4096, source: 'default' })
    expect(s.boundary).toEqual({ value: 'auto', source: 'default' })
    expect(s.minimumBoundary).toEqual({ value: null, source: 'default' })
    expect(s.agent).toEqual({ value: 'claude', source: 'default' })
    expect(s.networkMode).toEqual({ value: 'limit', source: 'default' })
    expect(s.image).toEqual({ value: null, source: 'default' })
    expect(s.cpus).toEqual({ value: 4, source: 'default' })
    expect(s.logRetentionDays).toEqual({ value: 90, source: 'default' })
  })

  it('takes the agent from flag, WRAPIX_AGENT, project, user', () => {
    expect(resolve({ flags: { agent: 'codex' }, env: { WRAPIX_AGENT: 'gemini' } }).agent).toEqual({ value: 'codex', source: 'flag' })
    expect(resolve({ env: { WRAPIX_AGENT: 'gemini' }, project: 'agent: shell\n' }).agent).toEqual({ value: 'gemini', source: 'env' })
    const project = projectFile('agent: shell\n')
    expect(resolve({ layers: { user: approving(project, 'agent: codex\n'), project } }).agent).toEqual({ value: 'shell', source: 'project', file: PROJECT_FILE })
    expect(resolve({ user: 'agent: codex\n' }).agent).toEqual({ value: 'codex', source: 'user', file: USER_FILE })
  })

  it('takes the profile name from flag, WRAPIX_PROFILE, project, user', () => {
    const layers = { user: userFile('profile: python\n'), project: projectFile('profile: rust\n') }
    expect(resolveProfileName({ ...emptyFlags(), profile: 'mine' }, { WRAPIX_PROFILE: 'env' }, layers)).toEqual({ value: 'mine', source: 'flag' })
    expect(resolveProfileName(emptyFlags(), { WRAPIX_PROFILE: 'env' }, layers)).toEqual({ value: 'env', source: 'env' })
    expect(resolveProfileName(emptyFlags(), {}, layers)).toEqual({ value: 'rust', source: 'project', file: PROJECT_FILE })
    expect(resolveProfileName(emptyFlags(), {}, { ...layers, project: null })).toEqual({ value: 'python', source: 'user', file: USER_FILE })
    expect(resolveProfileName(emptyFlags(), {}, { user: null, project: null })).toEqual({ value: 'base', source: 'default' })
  })

  it('takes the image from WRAPIX_IMAGE over the files', () => {
    expect(resolve({ env: { WRAPIX_IMAGE: 'env:1' }, user: 'image: user:1\n' }).image).toEqual({ value: 'env:1', source: 'env' })
    expect(resolve({ user: 'image: user:1\n' }).image).toEqual({ value: 'user:1', source: 'user', file: USER_FILE })
  })

  it('reads WRAPIX_CPUS and WRAPIX_PIDS_LIMIT', () => {
    const s = resolve({ env: { WRAPIX_CPUS: '1.5', WRAPIX_PIDS_LIMIT: '100' } })
    expect(s.cpus).toEqual({ value: 1.5, source: 'env' })
    expect(s.pidsLimit).toEqual({ value: 100, source: 'env' })
  })

  it('merges env from every layer, the nearer layer winning, each with its source', () => {
    const project = projectFile('env: { B: project, C: project }\n')
    const s = resolve({ layers: { user: approving(project, 'env: { A: user, B: user }\n'), project }, flags: { env: { C: 'flag' } } })
    expect(s.env).toEqual({
      FROM: { value: 'profile', source: 'profile', file: PROFILE_FILE },
      A: { value: 'user', source: 'user', file: USER_FILE },
      B: { value: 'project', source: 'project', file: PROJECT_FILE },
      C: { value: 'flag', source: 'flag' },
    })
  })

  it('refuses a bad WRAPIX_* value as a usage error naming the variable', () => {
    expect(thrownBy(() => resolve({ env: { WRAPIX_BOUNDARY: 'vm' } })).message).toBe('WRAPIX_BOUNDARY=vm is not valid')
    expect(thrownBy(() => resolve({ env: { WRAPIX_MEMORY: 'lots' } })).message).toBe('WRAPIX_MEMORY "lots" is not a size')
    expect(thrownBy(() => resolve({ env: { WRAPIX_NETWORK: 'wide' } })).hint).toBe('use one of: limit, open, none')
  })

  it('ignores empty WRAPIX_* variables', () => {
    expect(resolve({ env: { WRAPIX_BOUNDARY: '', WRAPIX_MEMORY: '' } }).boundary.source).toBe('default')
  })
})

describe('boundary', () => {
  it.each(['1', 'yes', 'true'])('WRAPIX_NO_MICROVM=%s means container', (value) => {
    expect(resolve({ env: { WRAPIX_NO_MICROVM: value } }).boundary).toEqual({ value: 'container', source: 'env' })
  })
  it.each(['0', 'false', ''])('WRAPIX_NO_MICROVM=%j keeps the default', (value) => {
    expect(resolve({ env: { WRAPIX_NO_MICROVM: value } }).boundary).toEqual({ value: 'auto', source: 'default' })
  })
  it('an explicit flag or WRAPIX_BOUNDARY wins over WRAPIX_NO_MICROVM', () => {
    expect(resolve({ flags: { boundary: 'gvisor' }, env: { WRAPIX_NO_MICROVM: '1' } }).boundary.value).toBe('gvisor')
    expect(resolve({ env: { WRAPIX_BOUNDARY: 'gvisor', WRAPIX_NO_MICROVM: '1' } }).boundary.value).toBe('gvisor')
  })
  it('the user file may choose a weaker boundary', () => {
    expect(resolve({ user: 'boundary: container\n' }).boundary).toEqual({ value: 'container', source: 'user', file: USER_FILE })
  })
})

describe('an unapproved project file cannot widen the sandbox', () => {
  it('cannot weaken the boundary (warned, user value used)', () => {
    const s = resolve({ project: 'boundary: container\n', user: 'boundary: gvisor\n' })
    expect(s.boundary).toEqual({ value: 'gvisor', source: 'user', file: USER_FILE })
    expect(s.warnings).toEqual([expect.stringContaining(`${PROJECT_FILE}: ignoring boundary "container"`)])
  })

  it('may keep microvm', () => {
    expect(resolve({ project: 'boundary: microvm\n' }).boundary).toEqual({ value: 'microvm', source: 'project', file: PROJECT_FILE })
  })

  it('cannot add mounts', () => {
    const s = resolve({ project: 'mounts:\n  - { source: /, dest: /host }\n' })
    expect(s.mounts).toEqual([])
    expect(s.warnings).toEqual([expect.stringContaining('ignoring 1 mount(s)')])
  })

  it('cannot open the network, but can close it', () => {
    const open = resolve({ project: 'network: { mode: open }\n' })
    expect(open.networkMode).toEqual({ value: 'limit', source: 'default' })
    expect(open.warnings).toEqual([expect.stringContaining('ignoring network mode "open"')])
    expect(resolve({ project: 'network: { mode: none }\n' }).networkMode).toEqual({ value: 'none', source: 'project', file: PROJECT_FILE })
  })

  it('once approved by its content hash, can do all three', () => {
    const project = projectFile('boundary: container\nnetwork: { mode: open }\nmounts:\n  - { source: ~/data, dest: /data }\n')
    const s = resolve({ layers: { user: approving(project), project } })
    expect(projectApproved({ user: approving(project), project })).toBe(true)
    expect(s.boundary).toEqual({ value: 'container', source: 'project', file: PROJECT_FILE })
    expect(s.networkMode.value).toBe('open')
    expect(s.mounts).toEqual([{ source: '~/data', dest: '/data', mode: 'ro', optional: false, source_: 'project', explicit: false }])
    expect(s.warnings).toEqual([])
  })

  it('loses its approval when its content changes', () => {
    const approved = projectFile('boundary: container\n')
    const changed = projectFile('boundary: container\n# edited by the agent\n')
    expect(projectApproved({ user: approving(approved), project: changed })).toBe(false)
    expect(resolve({ layers: { user: approving(approved), project: changed } }).boundary.value).toBe('auto')
  })
})

describe('tls', () => {
  it('is unset (decided from the bundles) unless a file says so', () => {
    const s = resolve()
    expect(s.trustHostCertificates).toEqual({ value: null, source: 'default' })
    expect(resolve({ user: 'tls: { trustHostCertificates: true, hostBundle: ~/ca.pem }\n' }).hostCaBundle).toEqual({ value: '~/ca.pem', source: 'user', file: USER_FILE })
  })

  it('an unapproved project file may turn it off but not on, nor name the bundle', () => {
    const on = resolve({ project: 'tls: { trustHostCertificates: true, hostBundle: /etc/shadow }\n' })
    expect(on.trustHostCertificates.value).toBeNull()
    expect(on.hostCaBundle.value).toBeNull()
    expect(on.warnings).toEqual([expect.stringContaining(`${PROJECT_FILE}: ignoring tls.trustHostCertificates: true`), expect.stringContaining('ignoring tls.hostBundle')])
    const off = resolve({ project: 'tls: { trustHostCertificates: false }\n', user: 'tls: { trustHostCertificates: true }\n' })
    expect(off.trustHostCertificates).toEqual({ value: false, source: 'project', file: PROJECT_FILE })
    const project = projectFile('tls: { trustHostCertificates: true }\n')
    expect(resolve({ layers: { user: approving(project), project } }).trustHostCertificates.value).toBe(true)
  })
})

describe('mounts', () => {
  it('keeps profile, user and flag mounts in that order; only flag mounts are explicit', () => {
    const withMount = { ...profile, profile: { ...profile.profile, mounts: [{ source: '~/p', dest: '/p', mode: 'ro' as const, optional: true }] } }
    const layers = { user: userFile('mounts:\n  - { source: ~/u, dest: /u }\n'), project: null }
    const flags = { ...emptyFlags(), mounts: [{ source: '/f', dest: '/f', mode: 'rw' as const, optional: false }] }
    const s = resolveSettings({ flags, env: {}, layers, profileName: { value: 'base', source: 'default' }, profile: withMount, hostCpus: 4 })
    expect(s.mounts.map((m) => [m.source, m.source_, m.explicit])).toEqual([['~/p', 'profile', false], ['~/u', 'user', false], ['/f', 'flag', true]])
  })
})

describe('defaultCpus', () => {
  it.each([[1, 1], [2, 2], [3, 2], [4, 2], [8, 4], [15, 7]])('%d host cores → %d', (host, cpus) => {
    expect(defaultCpus(host)).toBe(cpus)
  })
})

describe('a project file the user has not approved (a hostile commit) cannot widen the sandbox', () => {
  it('cannot choose the image (it would receive the credentials and deploy keys)', () => {
    const s = resolve({ project: 'image: attacker.example/pwn:latest\n', user: 'image: mine:1\n' })
    expect(s.image).toEqual({ value: 'mine:1', source: 'user', file: USER_FILE })
    expect(s.warnings).toEqual([expect.stringContaining('ignoring image "attacker.example/pwn:latest"')])
  })

  it('cannot set the environment: LD_PRELOAD, NODE_OPTIONS, proxy variables', () => {
    const s = resolve({ project: 'env: { LD_PRELOAD: /workspace/evil.so, NODE_OPTIONS: "--require /workspace/x.js", HTTPS_PROXY: "http://evil.example" }\n' })
    expect(Object.keys(s.env)).toEqual(['FROM'])
    expect(s.warnings).toEqual([expect.stringContaining('ignoring env LD_PRELOAD, NODE_OPTIONS, HTTPS_PROXY')])
  })

  it('cannot choose the agent', () => {
    const s = resolve({ project: 'agent: codex\n' })
    expect(s.agent).toEqual({ value: 'claude', source: 'default' })
    expect(s.warnings).toEqual([expect.stringContaining('ignoring agent "codex"')])
  })

  it('may lower resources but never raise them, approved or not', () => {
    const raise = projectFile('resources: { pidsLimit: 1000000, memoryMb: 1000000, cpus: 64 }\n')
    for (const user of [null, approving(raise)]) {
      const s = resolve({ layers: { user, project: raise } })
      expect(s.pidsLimit).toEqual({ value: 4096, source: 'default' })
      expect(s.memoryMb).toEqual({ value: 1024, source: 'profile', file: PROFILE_FILE })
      expect(s.cpus).toEqual({ value: 4, source: 'default' })
      expect(s.warnings).toEqual(expect.arrayContaining([expect.stringContaining('ignoring resources.pidsLimit: 1000000 (a project file may only lower the limit of 4096)')]))
    }
    const lower = resolve({ project: 'resources: { pidsLimit: 512, memoryMb: 512 }\n', user: 'resources: { pidsLimit: 1024 }\n' })
    expect(lower.pidsLimit).toEqual({ value: 512, source: 'project', file: PROJECT_FILE })
    expect(lower.memoryMb).toEqual({ value: 512, source: 'project', file: PROJECT_FILE })
    expect(resolve({ project: 'resources: { pidsLimit: 2048 }\n', user: 'resources: { pidsLimit: 1024 }\n' }).pidsLimit.value).toBe(1024)
    expect(resolve({ project: 'resources: { pidsLimit: 1000000 }\n', flags: { pidsLimit: 9000 } }).pidsLimit).toEqual({ value: 9000, source: 'flag' })
  })

  it('cannot shorten log retention (it would delete the records), but may lengthen it', () => {
    const short = resolve({ project: 'log: { retentionDays: 1 }\n', user: 'log: { retentionDays: 30 }\n' })
    expect(short.logRetentionDays).toEqual({ value: 30, source: 'user', file: USER_FILE })
    expect(short.warnings).toEqual([expect.stringContaining('ignoring log.retentionDays: 1')])
    expect(resolve({ project: 'log: { retentionDays: 365 }\n' }).logRetentionDays).toEqual({ value: 365, source: 'project', file: PROJECT_FILE })
    const approved = projectFile('log: { retentionDays: 1 }\n')
    expect(resolve({ layers: { user: approving(approved), project: approved } }).logRetentionDays.value).toBe(1)
  })

  it('once approved, sets image, env and agent', () => {
    const project = projectFile('image: registry.example/team:1\nagent: shell\nenv: { NODE_OPTIONS: "--max-old-space-size=4096" }\n')
    const s = resolve({ layers: { user: approving(project), project } })
    expect([s.image.value, s.agent.value, s.env.NODE_OPTIONS?.value, s.projectApproved]).toEqual(['registry.example/team:1', 'shell', '--max-old-space-size=4096', true])
    expect(s.warnings).toEqual([])
  })

  it("is not approved by another project's approval of the same content", () => {
    const text = 'image: registry.example/team:1\n'
    const approvedElsewhere = file('/home/ada/src/other/.wrapix/config.yaml', text)
    const here = projectFile(text)
    expect(projectApproved({ user: approving(approvedElsewhere), project: here })).toBe(false)
    expect(resolve({ layers: { user: approving(approvedElsewhere), project: here } }).image.value).toBeNull()
  })

  it('is not approved through a symbolic link to an approved file', () => {
    const approvedElsewhere = file('/home/ada/src/other/.wrapix/config.yaml', 'image: registry.example/team:1\n')
    const linked = file(PROJECT_FILE, approvedElsewhere.text, approvedElsewhere.file) // .wrapix/config.yaml → ../other/…
    expect(projectApproved({ user: approving(approvedElsewhere), project: linked })).toBe(false)
  })

  it('says that an approval by content hash alone (the old form) no longer applies', () => {
    const project = projectFile('boundary: container\n')
    const s = resolve({ layers: { user: userFile(`approvedPolicies: ["${contentHash(project.text)}"]\n`), project } })
    expect(s.boundary.value).toBe('auto') // the default: the project's weaker value is ignored
    expect(s.warnings[0]).toBe(`${PROJECT_FILE}: its approval names no file and no longer applies; review it and approve again with: wrapix policy approve`)
  })
})

describe('image references', () => {
  it('are refused in a config file when they hold a newline or start with "-", naming the field', () => {
    expect(thrownBy(() => projectFile('image: "--privileged"\n'))).toMatchObject({ kind: 'config', message: expect.stringMatching(/config\.yaml:1.*image.*image reference/) })
    expect(thrownBy(() => projectFile('image: "debian\\nRUN id"\n')).message).toMatch(/image/)
  })

  it('are refused from --image and WRAPIX_IMAGE', () => {
    expect(thrownBy(() => resolve({ flags: { image: '--privileged' } }))).toMatchObject({ kind: 'usage', message: '--image "--privileged" is not an image reference' })
    expect(thrownBy(() => resolve({ env: { WRAPIX_IMAGE: 'a b' } })).message).toBe('WRAPIX_IMAGE "a b" is not an image reference')
  })
})

describe('minimumBoundary', () => {
  it('comes from the user config; a project file may raise it but never lower it', () => {
    expect(resolve({ user: 'minimumBoundary: gvisor\n' }).minimumBoundary).toMatchObject({ value: 'gvisor', source: 'user' })
    expect(resolve({ user: 'minimumBoundary: gvisor\n', project: 'minimumBoundary: container\n' }).minimumBoundary).toMatchObject({ value: 'gvisor', source: 'user' })
    expect(resolve({ user: 'minimumBoundary: gvisor\n', project: 'minimumBoundary: microvm\n' }).minimumBoundary).toMatchObject({ value: 'microvm', source: 'project' })
    expect(resolve({ project: 'minimumBoundary: container\n' }).minimumBoundary).toMatchObject({ value: 'container', source: 'project' })
    expect(resolve({}).minimumBoundary).toEqual({ value: null, source: 'default' })
  })

  it('an unapproved project file cannot pick auto or a weaker boundary over the user config', () => {
    const s = resolve({ user: 'boundary: microvm\n', project: 'boundary: auto\n' })
    expect(s.boundary).toMatchObject({ value: 'microvm', source: 'user' })
    expect(s.warnings.join('\n')).toContain('ignoring boundary "auto"')
  })
})
