import { describe, expect, it } from 'vitest'
import { planSandbox } from '../../../src/sandbox/plan-sandbox.js'
import { GVISOR_ROOT_NOTE, MICROVM_ROOT_NOTE, planUser } from '../../../src/sandbox/user.js'
import { thrownBy } from '../helpers/errors.js'
import { aHost, aRootHost } from '../helpers/host.js'
import { aPlanInput, PROJECT } from '../helpers/plan.js'
import { aFile, aMount, aSettings, aSymlink, dirs, sourced } from '../helpers/settings.js'

const binds = (plan: ReturnType<typeof planSandbox>) => plan.mounts.flatMap((m) => (m.kind === 'bind' ? [[m.source, m.dest, m.readOnly ? 'ro' : 'rw']] : []))

describe('planSandbox: the project', () => {
  it('mounts the project read-write at /workspace and its .wrapix read-only', () => {
    const plan = planSandbox(aPlanInput())
    expect(plan.workspace).toBe(PROJECT)
    expect(plan.workdir).toBe('/workspace')
    expect(binds(plan).slice(0, 2)).toEqual([
      [PROJECT, '/workspace', 'rw'],
      [`${PROJECT}/.wrapix`, '/workspace/.wrapix', 'ro'],
    ])
  })

  it('uses the real path of a project reached through a symlink', () => {
    const plan = planSandbox(aPlanInput({ workspace: { path: '/home/ada/app', explicit: false }, pathFacts: dirs(['/home/ada/app', PROJECT]) }))
    expect(plan.workspace).toBe(PROJECT)
  })

  it('refuses the home directory as the project unless DIR names it', () => {
    const input = aPlanInput({ workspace: { path: '/home/ada', explicit: false }, pathFacts: dirs('/home/ada') })
    const err = thrownBy(() => planSandbox(input))
    expect(err.kind).toBe('policy')
    expect(err.message).toBe('refusing to use /home/ada as the project: it holds your whole home directory')
    expect(err.hint).toContain('wrapix run /home/ada')
    expect(planSandbox({ ...input, workspace: { path: '/home/ada', explicit: true } }).workspace).toBe('/home/ada')
  })

  it('refuses / as the project unless named', () => {
    expect(thrownBy(() => planSandbox(aPlanInput({ workspace: { path: '/', explicit: false }, pathFacts: dirs('/') }))).message).toMatch(/whole host filesystem/)
  })

  it('refuses a project that does not exist or is a file', () => {
    expect(thrownBy(() => planSandbox(aPlanInput({ pathFacts: {} }))).message).toBe(`project directory ${PROJECT} does not exist`)
    expect(thrownBy(() => planSandbox(aPlanInput({ pathFacts: { [PROJECT]: aFile(PROJECT) } }))).kind).toBe('usage')
  })

  it('refuses a project path with a comma', () => {
    expect(thrownBy(() => planSandbox(aPlanInput({ workspace: { path: '/srv/a,b', explicit: true }, pathFacts: dirs('/srv/a,b') }))).message).toBe('project directory /srv/a,b contains a comma')
  })

  it('refuses a .wrapix that is a symlink (records must stay in the project)', () => {
    const err = thrownBy(() => planSandbox(aPlanInput({ pathFacts: { ...dirs(PROJECT), [`${PROJECT}/.wrapix`]: aSymlink('/home/ada/.config') } })))
    expect(err.kind).toBe('policy')
    expect(err.message).toBe(`${PROJECT}/.wrapix is a symbolic link`)
  })

  const entry = (type: 'dir' | 'file' | 'symlink') => ({ type, dev: '1', ino: '2' })
  const SESSION = '/run/user/1000/wrapix/a1b2c3d4e5f6'

  it('mounts a session git dir of its own over .git and the host objects read-only; the host .git is never bound', () => {
    const gitLayout = { kind: 'dir', dotGit: `${PROJECT}/.git`, entry: entry('dir'), gitDir: `${PROJECT}/.git`, commonDir: `${PROJECT}/.git`, pointers: [] } as const
    const plan = planSandbox(aPlanInput({ gitLayout }))
    expect(binds(plan)).toEqual(
      expect.arrayContaining([
        [`${SESSION}/git`, '/workspace/.git', 'rw'],
        [`${PROJECT}/.git/objects`, '/etc/wrapix/git-objects', 'ro'],
      ]),
    )
    expect(binds(plan).filter(([source]) => source!.startsWith(`${PROJECT}/.git`) && !source!.endsWith('/objects'))).toEqual([])
    expect(plan.git).toEqual({ layout: gitLayout, sessionGitDir: `${SESSION}/git`, dotGitFile: null })
    // the objects bind sits inside /etc/wrapix, so it must come after that bind
    const dests = binds(plan).map(([, dest]) => dest)
    expect(dests.indexOf('/etc/wrapix/git-objects')).toBeGreaterThan(dests.indexOf('/etc/wrapix'))
  })

  it('for a .git file (worktree, submodule) binds a wrapix-written .git file read-only and the session git dir beside it', () => {
    const gitLayout = { kind: 'file', dotGit: `${PROJECT}/.git`, entry: entry('file'), gitDir: '/src/main/.git/worktrees/app', commonDir: '/src/main/.git', pointers: [] } as const
    expect(binds(planSandbox(aPlanInput({ gitLayout })))).toEqual(
      expect.arrayContaining([
        [`${SESSION}/dot-git`, '/workspace/.git', 'ro'],
        [`${SESSION}/git`, '/etc/wrapix/git', 'rw'],
        ['/src/main/.git/objects', '/etc/wrapix/git-objects', 'ro'],
      ]),
    )
  })

  it('hides an unsupported .git behind an empty session git dir, and refuses a .git symlink', () => {
    const hidden = planSandbox(aPlanInput({ gitLayout: { kind: 'unsupported', dotGit: `${PROJECT}/.git`, entry: entry('dir'), reason: 'x', pointers: [] } }))
    expect(binds(hidden).filter(([, dest]) => dest!.includes('git'))).toEqual([[`${SESSION}/git`, '/workspace/.git', 'rw']])
    const err = thrownBy(() => planSandbox(aPlanInput({ gitLayout: { kind: 'unsupported', dotGit: `${PROJECT}/.git`, entry: entry('symlink'), reason: 'x', pointers: [] } })))
    expect(err.kind).toBe('policy')
    expect(err.message).toBe(`${PROJECT}/.git is a symbolic link`)
  })

  it('adds no git mounts to a workspace without .git', () => {
    expect(binds(planSandbox(aPlanInput())).filter(([, dest]) => dest!.includes('git'))).toEqual([])
  })
})

describe('planSandbox: user, mounts, limits, command', () => {
  it('maps a rootless user with keep-id, so project files stay theirs', () => {
    expect(planSandbox(aPlanInput()).user).toEqual({ uid: 1000, gid: 1000, name: 'wrapix', home: '/home/wrapix', userns: { kind: 'keep-id' } })
  })

  const usable = { rootUserns: { usable: true, reason: null } }
  it('as root under crun: root in a user namespace of its own (podman --userns=auto), when the host allows it', () => {
    expect(planUser(aRootHost(usable), 'container')).toEqual({ uid: 0, gid: 0, name: 'root', home: '/home/wrapix', userns: { kind: 'auto', size: 65536 } })
    expect(planSandbox(aPlanInput({ host: aRootHost(usable), pathFacts: dirs(PROJECT) })).user.userns).toEqual({ kind: 'auto', size: 65536 })
  })

  it('as root under crun without id-mapped binds (or not probed): host root without capabilities, and why', () => {
    const reason = '/srv/p is on a filesystem (type 0x6969) without id-mapped mounts'
    expect(planUser(aRootHost({ rootUserns: { usable: false, reason } }), 'container').userns).toEqual({ kind: 'host', reason })
    expect(planUser(aRootHost(), 'container').userns).toEqual({ kind: 'host', reason: 'not probed' })
  })

  it('as root under gVisor and krun: no user namespace, with the reason, whatever the host offers', () => {
    expect(planUser(aRootHost(usable), 'gvisor').userns).toEqual({ kind: 'host', reason: GVISOR_ROOT_NOTE })
    expect(GVISOR_ROOT_NOTE).toContain('unknown mount option')
    expect(planUser(aRootHost(usable), 'microvm').userns).toEqual({ kind: 'host', reason: MICROVM_ROOT_NOTE })
  })

  it('a normal user keeps keep-id, whatever the root facts say', () => {
    expect(planUser(aHost(usable), 'container').userns).toEqual({ kind: 'keep-id' })
  })

  it('gives the sandbox a tmpfs home and the session files read-only', () => {
    const plan = planSandbox(aPlanInput())
    expect(plan.mounts).toContainEqual({ kind: 'tmpfs', dest: '/home/wrapix' })
    expect(binds(plan)).toContainEqual(['/run/user/1000/wrapix/a1b2c3d4e5f6/files', '/etc/wrapix', 'ro'])
    expect(plan.files.map((f) => f.dest)).toContain('/etc/wrapix/session/entry.sh')
  })

  it('adds profile mounts after checking them', () => {
    const settings = aSettings({ mounts: [aMount({ source: '~/.cache/uv', dest: '/home/wrapix/.cache/uv', mode: 'rw', optional: true }), aMount({ source: '~/.cargo', dest: '/c', optional: true })] })
    const plan = planSandbox(aPlanInput({ settings, pathFacts: dirs(PROJECT, '/home/ada/.cache/uv') }))
    expect(binds(plan)).toContainEqual(['/home/ada/.cache/uv', '/home/wrapix/.cache/uv', 'rw'])
    expect(binds(plan).map(([, dest]) => dest)).not.toContain('/c')
  })

  it('adds writableDirs from the profile as tmpfs', () => {
    const plan = planSandbox(aPlanInput({ profile: { ...aPlanInput().profile, profile: { ...aPlanInput().profile.profile, writableDirs: ['/var/cache/x'] } } }))
    expect(plan.mounts).toContainEqual({ kind: 'tmpfs', dest: '/var/cache/x' })
  })

  it('carries the resolved limits', () => {
    const plan = planSandbox(aPlanInput({ settings: aSettings({ cpus: sourced(1.5, 'flag'), memoryMb: sourced(512, 'flag'), pidsLimit: sourced(100, 'flag') }) }))
    expect(plan.limits).toEqual({ cpus: 1.5, memoryMb: 512, pids: 100, enforced: true })
  })

  it('marks limits as not enforced for a rootless user on cgroup v1 (podman cannot be delegated them), never for root', () => {
    for (const cgroup of ['v1', 'hybrid', 'unknown'] as const) {
      expect(planSandbox(aPlanInput({ host: aHost({ cgroup }) })).limits.enforced).toBe(false)
      expect(planSandbox(aPlanInput({ host: aRootHost({ cgroup }), pathFacts: dirs(PROJECT) })).limits.enforced).toBe(true)
    }
    expect(planSandbox(aPlanInput({ host: aHost({ cgroup: 'v2' }) })).limits.enforced).toBe(true)
  })

  it('runs the command through the entrypoint; shell mode runs bash; agent mode runs the agent', () => {
    expect(planSandbox(aPlanInput({ command: ['make', 'test'] })).command).toEqual(['/bin/sh', '/etc/wrapix/session/entry.sh', 'make', 'test'])
    const shell = planSandbox(aPlanInput({ command: null, shell: true }))
    expect([shell.mode, shell.command.slice(2)]).toEqual(['shell', ['bash', '-l']])
    const agent = planSandbox(aPlanInput({ command: null, agentSessionId: '0b4e' }))
    expect(agent.mode).toBe('agent')
    expect(agent.command.slice(2, 6)).toEqual(['claude', '--dangerously-skip-permissions', '--session-id', '0b4e'])
    expect(agent.agentSessionId).toBe('0b4e')
  })

  it('refuses an empty command after --', () => {
    expect(thrownBy(() => planSandbox(aPlanInput({ command: [] }))).message).toBe('the command after -- is empty')
  })

  it('sets IS_SANDBOX and the session id, and labels the container', () => {
    const plan = planSandbox(aPlanInput({ launcherPid: 4242 }))
    expect(plan.env).toMatchObject({ IS_SANDBOX: '1', WRAPIX_SESSION_ID: 'a1b2c3d4e5f6' })
    expect(plan.containerName).toBe('wrapix-a1b2c3d4e5f6')
    expect(plan.labels).toEqual({ 'wrapix.managed': 'true', 'wrapix.session': 'a1b2c3d4e5f6', 'wrapix.workspace': PROJECT, 'wrapix.pid': '4242' })
  })

  it('holds no secret value and round-trips through JSON', () => {
    const settings = aSettings({ env: { TOKEN: sourced('sk-ant-api03-flagvalue', 'flag') } })
    const plan = planSandbox(aPlanInput({ settings, flagEnvNames: ['TOKEN'], hostEnv: { ANTHROPIC_API_KEY: 'sk-ant-api03-hostvalue' } }))
    const json = JSON.stringify(plan)
    expect(json).not.toContain('flagvalue')
    expect(json).not.toContain('hostvalue')
    // Network "none": the agent credential is withheld, not passed.
    expect(plan.secretNames).toEqual(['TOKEN'])
    expect(plan.credentials.record).toEqual([{ name: 'ANTHROPIC_API_KEY', delivery: 'withheld', host: null, port: null, header: null }])
    expect(JSON.parse(json)).toEqual(plan)
  })
})

describe('planSandbox: network prerequisites', () => {
  it.each(['limit', 'open'] as const)('%s mode works for a normal user with no host tools: the proxy socket is mounted read-only for the relay', (mode) => {
    const plan = planSandbox(aPlanInput({ host: aHost({ tools: { setpriv: null } }), settings: aSettings({ networkMode: sourced(mode) }) }))
    const socketDir = '/run/user/1000/wrapix/a1b2c3d4e5f6/net'
    expect(plan.network).toEqual({ mode, socketDir })
    expect(plan.mounts).toContainEqual({ kind: 'bind', source: socketDir, dest: '/run/wrapix', readOnly: true })
    expect(plan.hostDirs).toContain(socketDir)
    expect(plan.env.HTTPS_PROXY).toBe('http://127.0.0.1:3128')
    const entry = plan.files.find((f) => f.dest === '/etc/wrapix/session/entry.sh')!.content
    expect(entry).toContain('UNIX-CONNECT:/run/wrapix/proxy.sock')
    // The relay starts and listens before the command runs.
    expect(entry.indexOf('TCP-LISTEN:3128,bind=127.0.0.1')).toBeLessThan(entry.indexOf('exec "$@"'))
    expect(entry.indexOf('0100007F:0C38')).toBeLessThan(entry.indexOf('exec "$@"'))
  })

  it('none mode has no socket, no relay and no proxy variables', () => {
    const plan = planSandbox(aPlanInput({}))
    expect(plan.network).toEqual({ mode: 'none', socketDir: null })
    expect(plan.mounts.some((m) => m.dest === '/run/wrapix')).toBe(false)
    expect(plan.files.find((f) => f.dest === '/etc/wrapix/session/entry.sh')!.content).not.toContain('socat')
    expect(plan.env.HTTPS_PROXY).toBeUndefined()
  })

  it('refuses a user mount over the proxy socket directory', () => {
    const err = thrownBy(() => planSandbox(aPlanInput({ settings: aSettings({ mounts: [{ source: PROJECT, dest: '/run/wrapix/x', mode: 'rw', optional: false, source_: 'flag', explicit: true }] }), pathFacts: dirs(PROJECT) })))
    expect(err.message).toContain('reserved by wrapix')
  })

  it('none mode needs neither root nor tools', () => {
    expect(planSandbox(aPlanInput({ host: aHost({ tools: { setpriv: null } }) })).network.mode).toBe('none')
  })
})

describe('planSandbox: boundary', () => {
  it('stops before anything else when the boundary is unavailable', () => {
    const host = aHost({ kvm: { usable: false, reason: 'no /dev/kvm' } })
    expect(thrownBy(() => planSandbox(aPlanInput({ host, settings: aSettings({ boundary: sourced('microvm') }) }))).message).toMatch(/^the microvm boundary needs a usable \/dev\/kvm/)
  })

  it('plans Apple container on macOS', () => {
    const mac = aHost({ os: 'darwin', appleContainer: '/usr/local/bin/container', user: { home: '/Users/ada' } })
    const plan = planSandbox(aPlanInput({ host: mac, settings: aSettings({ boundary: sourced('auto') }), workspace: { path: '/Users/ada/app', explicit: false }, pathFacts: dirs('/Users/ada/app') }))
    expect([plan.backend, plan.boundary, plan.runtime]).toEqual(['apple-container', 'microvm', 'apple-container'])
  })
})

describe('planSandbox: gVisor limits', () => {
  // gVisor's own threads count toward the pids cgroup: below 256 the sandbox died silently (exit 2, no output).
  it('refuses a pids limit gVisor cannot start under, and names the minimum', () => {
    const input = aPlanInput({ settings: aSettings({ boundary: sourced('gvisor'), pidsLimit: sourced(64) }) })
    const err = thrownBy(() => planSandbox(input))
    expect(err.kind).toBe('usage')
    expect(err.message).toBe('--pids-limit 64 is too low for the gvisor boundary')
    expect(err.hint).toContain('at least 256')
  })

  it('accepts the same limit under the container boundary', () => {
    const plan = planSandbox(aPlanInput({ settings: aSettings({ boundary: sourced('container'), pidsLimit: sourced(64) }) }))
    expect(plan.limits.pids).toBe(64)
  })
})
