import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/load.js'
import type { ConfigLayers } from '../../../src/config/resolve.js'
import { enterpriseHostsFrom, sshHostOptions } from '../../../src/keys/github-enterprise-hosts.js'
import { isGithubSshRemote, parseRemoteUrl } from '../../../src/keys/github-remote.js'
import { type SessionKeys, sessionKeyPlanParts } from '../../../src/keys/session-key-plan.js'
import { thrownBy } from '../helpers/errors.js'

const USER = '/home/ada/.config/wrapix/config.yaml'
const PROJECT = '/home/ada/src/app/.wrapix/config.yaml'
const HOST_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'
const yaml = (host: string, line: string) => `keys:\n  githubHosts:\n    - host: ${host}\n      knownHosts: [${JSON.stringify(line)}]\n`
const layer = (file: string, text: string) => ({ file, realPath: file, text, value: parseConfig(text, file) })

describe('keys.githubHosts in the config file', () => {
  it('reads a host with its pinned key; the default is none', () => {
    expect(parseConfig('boundary: gvisor\n', USER).keys.githubHosts).toEqual([])
    expect(parseConfig(yaml('ghe.corp.example', `ghe.corp.example ${HOST_KEY}`), USER).keys.githubHosts).toEqual([
      { host: 'ghe.corp.example', knownHosts: [`ghe.corp.example ${HOST_KEY}`] },
    ])
    expect(parseConfig(yaml('ghe.corp.example', `[ghe.corp.example]:2222,10.0.0.5 ${HOST_KEY}`), USER).keys.githubHosts).toHaveLength(1)
  })

  it('refuses a known_hosts line for another host, which ssh would never use for this one', () => {
    const err = thrownBy(() => parseConfig(yaml('ghe.corp.example', `github.com ${HOST_KEY}`), USER))
    expect(err.kind).toBe('config')
    expect(err.message).toContain('keys.githubHosts.0.knownHosts.0: must start with ghe.corp.example or [ghe.corp.example]:PORT')
  })

  it('refuses a line that would add more lines to known_hosts, a host name with spaces, and no pinned key', () => {
    expect(thrownBy(() => parseConfig(yaml('ghe.corp.example', `ghe.corp.example ${HOST_KEY}\n* ${HOST_KEY}`), USER)).message)
      .toContain('must be one known_hosts line')
    expect(thrownBy(() => parseConfig(yaml('"ghe.corp.example *"', `ghe.corp.example ${HOST_KEY}`), USER)).message)
      .toContain('must be a host name')
    expect(thrownBy(() => parseConfig('keys:\n  githubHosts:\n    - host: ghe.corp.example\n      knownHosts: []\n', USER)).message)
      .toContain('pin at least one host key')
  })
})

describe('enterpriseHostsFrom', () => {
  it('takes hosts from the user config only, and says so when the project config lists some', () => {
    const layers: ConfigLayers = {
      user: layer(USER, yaml('ghe.corp.example', `ghe.corp.example ${HOST_KEY}`)),
      project: layer(PROJECT, yaml('evil.example', `evil.example ${HOST_KEY}`)),
    }
    const result = enterpriseHostsFrom(layers)
    expect(result.hosts.map((h) => h.host)).toEqual(['ghe.corp.example'])
    expect(result.notices).toEqual([`${PROJECT}: ignoring keys.githubHosts (only your user config can add GitHub Enterprise hosts)`])
    expect(enterpriseHostsFrom({ user: null, project: null })).toEqual({ hosts: [], notices: [] })
  })
})

describe('isGithubSshRemote with Enterprise hosts', () => {
  it('accepts an SSH origin on a configured host, in any case, and nothing else', () => {
    const hosts = ['GHE.corp.example']
    expect(isGithubSshRemote(parseRemoteUrl('git@ghe.corp.example:ada/app.git'), hosts)).toBe(true)
    expect(isGithubSshRemote(parseRemoteUrl('ssh://git@ghe.corp.example:2222/ada/app.git'), hosts)).toBe(true)
    expect(isGithubSshRemote(parseRemoteUrl('git@ghe.corp.example:ada/app.git'))).toBe(false)
    expect(isGithubSshRemote(parseRemoteUrl('https://ghe.corp.example/ada/app.git'), hosts)).toBe(false)
    expect(isGithubSshRemote(parseRemoteUrl('git@corp.example:ada/app.git'), hosts)).toBe(false)
    expect(isGithubSshRemote(parseRemoteUrl('git@github.com:ada/app.git'), hosts)).toBe(true)
  })
})

describe('sshHostOptions in the session ssh setup', () => {
  const keys: SessionKeys = {
    name: 'app-laptop',
    repository: 'ada/app',
    deployKey: '/home/ada/.ssh/deploy_keys/app-laptop',
    deployPublicKey: '/home/ada/.ssh/deploy_keys/app-laptop.pub',
    signingKey: null,
    signingPublicKey: null,
    signingPublicKeyLine: null,
    warnings: [],
  }
  const file = (parts: ReturnType<typeof sessionKeyPlanParts>, dest: string) => parts.files.find((f) => f.dest === dest)?.content ?? ''

  it('uses the deploy key for GitHub and the configured hosts, and pins their keys next to GitHub’s', () => {
    const options = sshHostOptions([{ host: 'GHE.corp.example', knownHosts: [`[ghe.corp.example]:2222 ${HOST_KEY}`] }])
    expect(options).toEqual({ hosts: ['github.com', 'ssh.github.com', 'ghe.corp.example'], extraKnownHosts: [`[ghe.corp.example]:2222 ${HOST_KEY}`] })
    const parts = sessionKeyPlanParts(keys, { gitSign: false, ...options })
    expect(file(parts, '/etc/wrapix/ssh/config').split('\n')).toContain('Host github.com ssh.github.com ghe.corp.example')
    const known = file(parts, '/etc/wrapix/ssh/known_hosts').trim().split('\n')
    expect(known.at(-1)).toBe(`[ghe.corp.example]:2222 ${HOST_KEY}`)
    expect(known.filter((l) => l.startsWith('github.com '))).toHaveLength(3)
  })

  it('with no configured hosts, is exactly GitHub’s', () => {
    expect(sshHostOptions([])).toEqual({ hosts: ['github.com', 'ssh.github.com'], extraKnownHosts: [] })
  })

  it('in limit mode sends every host through the proxy, with the deploy key only for the listed ones', () => {
    const parts = sessionKeyPlanParts(keys, { gitSign: false, ...sshHostOptions([]), proxyCommand: 'nc -X connect -x 127.0.0.1:3128 %h %p' })
    const lines = file(parts, '/etc/wrapix/ssh/config').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    const blocks = lines.join('\n').split(/\n(?=Host )/).map((b) => b.split('\n'))
    expect(blocks.map((b) => b[0])).toEqual(['Host github.com ssh.github.com', 'Host *'])
    expect(blocks[0]).toContain('IdentityFile /etc/wrapix/keys/deploy_key')
    expect(blocks[1]).toEqual(['Host *', 'ProxyCommand nc -X connect -x 127.0.0.1:3128 %h %p'])
  })
})
