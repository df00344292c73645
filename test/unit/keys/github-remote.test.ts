import { describe, expect, it } from 'vitest'
import { isGithubSshRemote, parseRemoteUrl } from '../../../src/keys/github-remote.js'

describe('parseRemoteUrl', () => {
  it.each([
    ['git@github.com:ada/wrapix.git', { host: 'github.com', owner: 'ada', repo: 'wrapix', ssh: true }],
    ['git@github.com:ada/my.repo.js.git', { host: 'github.com', owner: 'ada', repo: 'my.repo.js', ssh: true }],
    ['github.com:ada/wrapix', { host: 'github.com', owner: 'ada', repo: 'wrapix', ssh: true }],
    ['ssh://git@github.com/ada/wrapix.git', { host: 'github.com', owner: 'ada', repo: 'wrapix', ssh: true }],
    ['ssh://git@ssh.github.com:443/ada/wrapix.git', { host: 'ssh.github.com', owner: 'ada', repo: 'wrapix', ssh: true, port: 443 }],
    ['https://github.com/ada/wrapix.git', { host: 'github.com', owner: 'ada', repo: 'wrapix', ssh: false }],
    ['https://github.com/ada/wrapix', { host: 'github.com', owner: 'ada', repo: 'wrapix', ssh: false }],
    ['https://GitHub.com/Ada/dots.in.name/', { host: 'github.com', owner: 'Ada', repo: 'dots.in.name', ssh: false }],
  ])('%s', (url, expected) => {
    expect(parseRemoteUrl(url)).toEqual(expected)
  })

  it.each(['/srv/git/repo.git', './repo', 'file:///srv/repo.git', 'https://github.com/only-owner', 'git@github.com:a/b/c.git'])(
    'returns null for %s',
    (url) => {
      expect(parseRemoteUrl(url)).toBeNull()
    },
  )
})

describe('isGithubSshRemote', () => {
  it('accepts GitHub over SSH only', () => {
    expect(isGithubSshRemote(parseRemoteUrl('git@github.com:ada/wrapix.git'))).toBe(true)
    expect(isGithubSshRemote(parseRemoteUrl('ssh://git@ssh.github.com:443/ada/wrapix.git'))).toBe(true)
    expect(isGithubSshRemote(parseRemoteUrl('https://github.com/ada/wrapix.git'))).toBe(false)
    expect(isGithubSshRemote(parseRemoteUrl('git@gitlab.com:ada/wrapix.git'))).toBe(false)
  })
})
