import { describe, expect, it } from 'vitest'
import { parseConfigList, repoFormatOf, sessionGitConfig } from '../../../src/git/session-git-config.js'

const list = (pairs: [string, string][]) => pairs.map(([k, v]) => `${k}\n${v}\0`).join('')

describe('the session git dir config', () => {
  const hostile = parseConfigList(
    list([
      ['core.repositoryformatversion', '0'],
      ['core.fsmonitor', 'touch /tmp/pwned'],
      ['core.hookspath', '/tmp/hooks'],
      ['core.sshcommand', 'sh -c evil'],
      ['core.filemode', 'true'],
      ['include.path', '/tmp/evil.conf'],
      ['includeif.gitdir:/.path', '/tmp/evil.conf'],
      ['filter.lfs.clean', 'git-lfs clean -- %f'],
      ['diff.x.textconv', 'evil'],
      ['alias.st', '!evil'],
      ['credential.helper', 'evil'],
      ['remote.origin.url', 'git@github.com:ada/app.git'],
      ['remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*'],
      ['remote.my "fork.url', 'x'],
      ['remote.evil.uploadpack', 'touch /tmp/pwned'],
      ['branch.main.remote', 'origin'],
      ['branch.main.merge', 'refs/heads/main'],
      ['user.name', 'Ada "A" \\ L'],
      ['user.email', 'a@x\u0001'],
    ]),
  )
  it('keeps remotes, branch tracking, identity and work-tree data settings only', () => {
    expect(sessionGitConfig(hostile, repoFormatOf(hostile))).toBe(
      [
        '[core]',
        '\trepositoryformatversion = 0',
        '\tbare = false',
        '\tlogallrefupdates = true',
        '\tfilemode = "true"',
        '[remote "origin"]',
        '\turl = "git@github.com:ada/app.git"',
        '\tfetch = "+refs/heads/*:refs/remotes/origin/*"',
        '[remote "my \\"fork"]',
        '\turl = "x"',
        '[branch "main"]',
        '\tremote = "origin"',
        '\tmerge = "refs/heads/main"',
        '[user]',
        '\tname = "Ada \\"A\\" \\\\ L"',
        '',
      ].join('\n'),
    )
  })
  it('carries the object format and refuses ref storage it cannot copy', () => {
    const sha256 = parseConfigList(list([['core.repositoryformatversion', '1'], ['extensions.objectformat', 'sha256']]))
    expect(repoFormatOf(sha256)).toEqual({ version: '1', objectFormat: 'sha256', unsupported: null })
    expect(sessionGitConfig(sha256, repoFormatOf(sha256))).toContain('[extensions]\n\tobjectformat = sha256\n')
    expect(repoFormatOf(parseConfigList(list([['extensions.refstorage', 'reftable']]))).unsupported).toMatch(/reftable/)
  })
})
