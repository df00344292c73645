// The sandbox's own git dir, for real: git work done inside comes back to the host, and the attacks on the
// host's git (commondir redirect, mv .git, a fresh .git, planted config and hooks) do no harm — checked by
// running the user's plain `git status` and `git commit` on the host afterwards.
import { existsSync } from 'node:fs'
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import { requirePodman } from '../../helpers/podman.js'
import { RUNNABLE_BOUNDARIES, runInSandbox, useSandboxProject } from '../../helpers/sandbox.js'
import { gitIn, readRecordFile } from '../../helpers/session-record.js'

const podman = await requirePodman()

/** The user's own git on the host: their environment, hooks and fsmonitor honoured (no wrapix settings). */
const userGit = (cwd: string, ...args: string[]) =>
  execa('git', args, { cwd, reject: false, env: { GIT_AUTHOR_NAME: 'U', GIT_AUTHOR_EMAIL: 'u@x', GIT_COMMITTER_NAME: 'U', GIT_COMMITTER_EMAIL: 'u@x' } })

const out = async (cwd: string, ...args: string[]) => (await gitIn(cwd, ...args)).stdout.trim()

async function latestRecord(dir: string) {
  const names = (await readdir(join(dir, '.wrapix', 'log'))).filter((n) => n.endsWith('.json')).sort()
  return readRecordFile(join(dir, '.wrapix', 'log', names.at(-1)!))
}

/** Shell lines that plant, inside the sandbox, everything that would make host git run `touch <marks>/<name>`. */
const attacks = (marks: string) => `
mkdir -p .git-evil/hooks
printf '[core]\\n\\tfsmonitor = "touch ${marks}/commondir-fsmonitor"\\n' > .git-evil/config
printf '#!/bin/sh\\ntouch ${marks}/commondir-hook\\n' > .git-evil/hooks/pre-commit; chmod +x .git-evil/hooks/pre-commit
echo ../.git-evil > .git/commondir
mkdir -p .git/hooks; printf '#!/bin/sh\\ntouch ${marks}/hook\\n' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit
printf '[core]\\n\\tfsmonitor = "touch ${marks}/fsmonitor"\\n[filter "x"]\\n\\tclean = "sh -c \\\\"touch ${marks}/filter; cat\\\\""\\n' >> .git/config
echo '* filter=x' > .gitattributes
if mv .git .git-old 2>/dev/null; then git init -q; printf '[core]\\n\\tfsmonitor = "touch ${marks}/new-git"\\n' >> .git/config; echo moved; else echo mv-refused; fi
rmdir .git 2>/dev/null && echo rmdir-worked || echo rmdir-refused
`

describe.skipIf(!podman).each(RUNNABLE_BOUNDARIES)('the session git dir (%s boundary)', (boundary) => {
  const sandbox = useSandboxProject()

  it('brings commit, amend, branch, checkout, rebase, merge, stash and tag back; planted git files run nothing on the host', async () => {
    const dir = sandbox.project.dir
    const marks = join(dir, 'marks') // the sandbox can only add to it, which fails the test, never passes it
    await mkdir(marks)
    await gitIn(dir, 'init', '-q', '-b', 'main')
    await writeFile(join(dir, 'a'), 'a\n')
    await gitIn(dir, 'add', 'a')
    await gitIn(dir, 'commit', '-qm', 'init')
    await gitIn(dir, 'branch', 'side')
    await gitIn(dir, 'branch', 'gone')
    await gitIn(dir, 'tag', 'v0')
    await gitIn(dir, 'checkout', '-q', 'side')
    await writeFile(join(dir, 's'), 's\n')
    await gitIn(dir, 'add', 's')
    await gitIn(dir, 'commit', '-qm', 'side work')
    await gitIn(dir, 'checkout', '-q', 'main')

    const script = `set -e
cd /workspace
echo b > b; git add b; git commit -qm two
git commit -q --amend -m two-amended
git checkout -q -b feat; echo c > c; git add c; git commit -qm three
git tag -a v1 -m tagged
git checkout -q main; echo m > m; git add m; git commit -qm main-more
git merge -q --no-edit feat
git checkout -q side; git rebase -q main; git checkout -q main
git branch -D gone
echo dirty >> a; git stash -q
git log --format=%s main | tr '\\n' ' '; echo
set +e
${attacks(marks)}`
    const result = await runInSandbox(boundary, dir, ['sh', '-c', script], { home: sandbox.home })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain("Merge branch 'feat' main-more three two-amended init")
    expect(result.stdout).toContain('mv-refused')
    expect(result.stdout).toContain('rmdir-refused')

    // The work is on the host, as git there sees it.
    expect(await out(dir, 'log', '--format=%s', 'main')).toBe("Merge branch 'feat'\nmain-more\nthree\ntwo-amended\ninit")
    expect(await out(dir, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main')
    expect(await out(dir, 'log', '--format=%s', '-1', 'side')).toBe('side work')
    expect(await out(dir, 'merge-base', '--is-ancestor', 'main', 'side').then(() => 'rebased')).toBe('rebased')
    expect(await out(dir, 'cat-file', '-t', 'v1')).toBe('tag')
    expect(await out(dir, 'stash', 'list')).toMatch(/^stash@\{0\}: WIP on main/)
    expect(await out(dir, 'branch', '--list', 'gone')).not.toBe('') // deletions are never applied on the host
    expect(await out(dir, 'fsck', '--connectivity-only', '--no-dangling')).toBe('')
    const record = await latestRecord(dir)
    expect(record.gitDir?.mode).toBe('session')
    expect(record.gitDir?.changed).toEqual([])
    expect(record.gitDir?.imported?.refsUpdated).toEqual(expect.arrayContaining(['refs/heads/main', 'refs/heads/feat', 'refs/heads/side', 'refs/tags/v1', 'refs/stash']))
    expect(record.gitDir?.imported?.notDeleted).toEqual(['refs/heads/gone'])
    expect(record.reviewBeforeRun).toEqual([{ path: '.gitattributes', change: 'created', runBy: 'git filters and diff drivers' }])
    expect(result.stderr).toContain('review before you run')

    // The user's plain git on the host obeys none of what the sandbox wrote.
    expect(existsSync(join(dir, '.git', 'commondir'))).toBe(false)
    const status = await userGit(dir, 'status', '--short')
    expect(status.exitCode, status.stderr).toBe(0)
    await writeFile(join(dir, 'by-user'), 'u\n')
    await userGit(dir, 'add', 'by-user')
    const commit = await userGit(dir, 'commit', '-qm', 'user commit')
    expect(commit.exitCode, commit.stderr).toBe(0)
    expect(await readdir(marks)).toEqual([])
  })
})

describe.skipIf(!podman)('the session git dir: .git files and a .git that was not there', () => {
  const sandbox = useSandboxProject()

  it('a linked worktree (.git file): work comes back, the .git file and the main repo stay untouched', async () => {
    const main = join(sandbox.project.dir, 'main')
    const wt = join(sandbox.project.dir, 'wt')
    const marks = join(sandbox.project.dir, 'marks')
    await mkdir(main, { recursive: true })
    await mkdir(marks)
    await gitIn(main, 'init', '-q', '-b', 'main')
    await writeFile(join(main, 'a'), 'a\n')
    await gitIn(main, 'add', 'a')
    await gitIn(main, 'commit', '-qm', 'init')
    await gitIn(main, 'worktree', 'add', '-q', '-b', 'topic', wt)
    const script = `set -e
cd /workspace
git commit -q --allow-empty -m from-sandbox
echo sub > s; mkdir sub; cd sub; git init -q; git config filter.x.clean "sh -c 'touch ${marks}/nested-filter; cat'"
echo '* filter=x' > .gitattributes; echo s > s; git add .; git commit -qm s; cd ..
git add sub; git commit -qm add-sub; echo more >> sub/s
set +e
echo 'gitdir: /workspace/evil' > .git 2>/dev/null && echo dotgit-written || echo dotgit-refused
printf '[core]\\n\\tfsmonitor = "touch ${marks}/fsmonitor"\\n' >> /etc/wrapix/git/config
echo ../evil > /etc/wrapix/git/commondir
true`
    const result = await runInSandbox('container', wt, ['sh', '-c', script], { home: sandbox.home })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('dotgit-refused')
    // wrapix's own before/after probes ran nothing of the nested repository's config
    expect(await readdir(marks)).toEqual([])
    expect(await out(main, 'log', '--format=%s', 'topic')).toBe('add-sub\nfrom-sandbox\ninit')
    expect(await out(wt, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('topic')
    const record = await latestRecord(wt)
    expect(record.gitDir?.changed).toEqual([])
    expect(record.git.available && record.git.after?.head).toBe(await out(main, 'rev-parse', 'topic'))
    const status = await userGit(wt, 'status', '--short', '--ignore-submodules=all')
    expect(status.exitCode, status.stderr).toBe(0)
    expect(await readdir(marks)).toEqual([])
  })

  it('a .git created in a workspace that had none: said loudly, recorded, and no git run there', async () => {
    const dir = join(sandbox.project.dir, 'plain')
    const marks = join(sandbox.project.dir, 'marks-plain')
    await mkdir(dir)
    await mkdir(marks)
    const script = `cd /workspace && git init -q && printf '[core]\\n\\tfsmonitor = "touch ${marks}/fsmonitor"\\n' >> .git/config
printf '#!/bin/sh\\ntouch ${marks}/hook\\n' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit; echo x > x`
    const result = await runInSandbox('container', dir, ['sh', '-c', script], { home: sandbox.home, flags: ['-q'] })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain(`DANGER: ${dir}/.git appeared during the session`)
    const record = await latestRecord(dir)
    expect(record.gitDir?.changed).toEqual([`${dir}/.git appeared during the session (it did not exist at start)`])
    expect(await readdir(marks)).toEqual([])
    await chmod(join(dir, '.git', 'hooks', 'pre-commit'), 0o644) // the test's own clean-up of the planted hook
  })
})
