import { describe, expect, it } from 'vitest'
import { checkDest, expandHome, planBinds, sensitiveReason } from '../../../src/sandbox/mounts.js'
import type { MountRequest, PathFacts } from '../../../src/sandbox/mounts.js'
import { thrownBy } from '../helpers/errors.js'
import { aFile, aMount, dirs } from '../helpers/settings.js'

const HOME = '/home/ada'
const plan = (requests: MountRequest[], facts: PathFacts) => planBinds({ requests, facts, home: HOME, uid: 1000, base: '/home/ada/src/app' })
const flagMount = (source: string, dest: string, mode: 'ro' | 'rw' = 'rw') => aMount({ source, dest, mode, source_: 'flag', explicit: true })

describe('expandHome', () => {
  it('expands ~ and ~/ only', () => {
    expect(expandHome('~', HOME)).toBe(HOME)
    expect(expandHome('~/x/y', HOME)).toBe('/home/ada/x/y')
    expect(expandHome('~bob/x', HOME)).toBe('~bob/x')
    expect(expandHome('/a/~/b', HOME)).toBe('/a/~/b')
  })
})

describe('planBinds', () => {
  it('expands ~ in a profile mount and binds the real path', () => {
    const binds = plan([aMount({ source: '~/.cargo/registry', dest: '/home/wrapix/.cargo/registry', mode: 'rw' })], dirs('/home/ada/.cargo/registry'))
    expect(binds).toEqual([{ kind: 'bind', source: '/home/ada/.cargo/registry', dest: '/home/wrapix/.cargo/registry', readOnly: false }])
  })

  it('resolves a relative source against the base directory', () => {
    expect(plan([flagMount('./data', '/data', 'ro')], dirs('/home/ada/src/app/data'))).toEqual([{ kind: 'bind', source: '/home/ada/src/app/data', dest: '/data', readOnly: true }])
  })

  it('skips an optional mount whose source is missing', () => {
    expect(plan([aMount({ source: '~/.cache/uv', dest: '/home/wrapix/.cache/uv', optional: true })], {})).toEqual([])
  })

  it('stops on a required mount whose source is missing, naming the path and where the mount came from', () => {
    const err = thrownBy(() => plan([aMount({ source: '~/data', dest: '/data', source_: 'user' })], {}))
    expect(err.kind).toBe('config')
    expect(err.message).toBe('mount ~/data (from user): /home/ada/data does not exist')
    expect(err.hint).toContain('optional: true')
  })

  it('names a -v mount by its flag', () => {
    expect(thrownBy(() => plan([flagMount('/nope', '/nope')], {})).message).toBe('-v /nope:/nope: /nope does not exist')
  })

  it.each([
    ['/', 'it is the whole host filesystem'],
    ['~', 'it holds your whole home directory'],
    ['/home', 'it holds your whole home directory'],
    ['~/.ssh', 'it holds your SSH keys'],
    ['~/.ssh/id_ed25519', 'it holds your SSH keys'],
    ['/var/run/docker.sock', 'it gives control of a container engine (and so of the host)'],
    ['/run/podman/podman.sock', 'it gives control of a container engine (and so of the host)'],
    ['/run/user/1000/podman/podman.sock', 'it gives control of a container engine (and so of the host)'],
    ['/run/user/1000/podman', 'it gives control of a container engine (and so of the host)'],
    ['/run', 'it gives control of a container engine (and so of the host)'],
    ['/tmp/my-docker.sock', 'it gives control of a container engine (and so of the host)'],
  ])('refuses %s from a profile or config file', (source, reason) => {
    const path = expandHome(source, HOME)
    const err = thrownBy(() => plan([aMount({ source, dest: '/host' })], { [path]: { exists: true, realPath: path, isDir: true, isSymlink: false } }))
    expect(err.kind).toBe('policy')
    expect(err.exitCode).toBe(5)
    expect(err.message).toBe(`mount ${source} (from profile): refusing to mount ${path}: ${reason}`)
    expect(err.hint).toBe(`if you really mean it, name it on the command line: -v ${path}:/host`)
  })

  it.each(['/', '/home/ada', '/home/ada/.ssh', '/var/run/docker.sock'])('allows %s when -v names it', (source) => {
    const facts: PathFacts = { [source]: aFile(source) }
    expect(plan([flagMount(source, '/host', 'ro')], facts)).toEqual([{ kind: 'bind', source, dest: '/host', readOnly: true }])
  })

  it('checks the symlink-resolved source: a harmless-looking link to ~/.ssh is refused', () => {
    const facts = dirs(['/home/ada/keys', '/home/ada/.ssh'])
    const err = thrownBy(() => plan([aMount({ source: '~/keys', dest: '/keys' })], facts))
    expect(err.message).toBe('mount ~/keys (from profile): refusing to mount /home/ada/.ssh: it holds your SSH keys')
  })

  it('binds the link target, not the link', () => {
    expect(plan([aMount({ source: '~/current', dest: '/data' })], dirs(['/home/ada/current', '/srv/data/v2']))[0]?.source).toBe('/srv/data/v2')
  })

  it('refuses a source with a comma (podman splits --mount on commas)', () => {
    const err = thrownBy(() => plan([flagMount('/srv/a,b', '/ab')], dirs('/srv/a,b')))
    expect(err.kind).toBe('usage')
    expect(err.message).toBe('-v /srv/a,b:/ab: /srv/a,b contains a comma')
  })

  it('refuses two mounts at one destination', () => {
    const err = thrownBy(() => plan([flagMount('/a', '/data'), flagMount('/b', '/data/')], dirs('/a', '/b')))
    expect(err.message).toBe('-v /b:/data/: /data is already mounted')
  })
})

describe('checkDest', () => {
  it.each(['/workspace', '/workspace/', '/workspace//', '/home/wrapix', '/home/wrapix/', '/etc/wrapix', '/etc/wrapix/keys', '/proc', '/sys/fs', '/dev/kvm', '/x/../workspace'])('reserves %s', (dest) => {
    const err = thrownBy(() => checkDest(dest, '-v /a:' + dest))
    expect(err.kind).toBe('usage')
    expect(err.message).toMatch(/is reserved by wrapix$/)
  })

  // A mount over these would hide the read-only protection of the records and the git hooks/config.
  it.each(['/workspace/.wrapix', '/workspace/.wrapix/log', '/workspace/.git', '/workspace/.git/hooks'])('reserves %s (protected project paths)', (dest) => {
    expect(thrownBy(() => checkDest(dest, '-v /a:' + dest)).message).toMatch(/is reserved by wrapix$/)
  })

  it.each(['/', 'relative', ''])('refuses %j as a destination', (dest) => {
    expect(thrownBy(() => checkDest(dest, 'm')).message).toBe(`m: destination "${dest}" must be an absolute path other than /`)
  })

  it('refuses a comma', () => {
    expect(thrownBy(() => checkDest('/a,b', 'm')).message).toBe('m: destination "/a,b" contains a comma')
  })

  it('normalises an ordinary destination', () => {
    expect(checkDest('/data/./x/', 'm')).toBe('/data/x')
    expect(checkDest('/workspace/sub', 'm')).toBe('/workspace/sub')
    expect(checkDest('/home/wrapix/.cache', 'm')).toBe('/home/wrapix/.cache')
  })
})

describe('sensitiveReason', () => {
  it('is null for ordinary paths, including siblings of sensitive ones', () => {
    for (const path of ['/home/ada/src/app', '/home/ada/.sshx', '/srv/data', '/home/adam', '/var/run/dockerfiles']) {
      expect(sensitiveReason(path, HOME, 1000)).toBeNull()
    }
  })
  it("refuses wrapix's own cache (its V8 code cache runs as code on the host) and any folder holding it", () => {
    expect(sensitiveReason('/home/ada/.cache/wrapix', HOME, 1000)).toMatch(/~\/\.cache\/wrapix/)
    expect(sensitiveReason('/home/ada/.cache', HOME, 1000)).toMatch(/~\/\.cache\/wrapix/)
    expect(sensitiveReason('/home/ada/.cache/uv', HOME, 1000)).toBeNull() // the python profile's package cache
  })
  it("covers the user's docker socket under ~/.docker", () => {
    expect(sensitiveReason('/home/ada/.docker/run/docker.sock', HOME, 1000)).toMatch(/container engine/)
  })
})
