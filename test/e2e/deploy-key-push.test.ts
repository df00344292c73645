// End to end with the built CLI: keys made by setup-deploy-key against a mock GitHub, then `git push` from
// inside a wrapix sandbox (limit mode, through the proxy) to a local sshd that trusts only that deploy key.
// The sshd stands in for a GitHub Enterprise host (`gitsrv.test`) listed in the user config with its
// pinned host key; the proxy resolves the name to 127.0.0.1 (--resolve) and the policy allows only it.
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPair } from '../../src/keys/key-pair.js'
import { type IsolatedHome, isolatedHome, REPO_ROOT, runWrapix } from '../helpers/cli.js'
import { type GitSshd, startGitSshd } from '../helpers/git-sshd.js'
import { type MockGithub, startMockGithub } from '../helpers/mock-github.js'
import { BASE_IMAGE, removeSession, requirePodman, SESSION_LABEL, waitForNoContainers } from '../helpers/podman.js'

const podman = await requirePodman()
const GIT_HOST = 'gitsrv.test'

let gh: MockGithub
let home: IsolatedHome
let work: string
let sshd: GitSshd
const repos = { demo: '', other: '' }
const keys = { demo: { deploy: '', signing: '' }, other: { deploy: '', signing: '' } }
const sessions = new Set<string>() // wrapix session ids, for cleanup

const blob = (line: string): string => line.trim().split(/\s+/)[1] ?? ''
const git = (cwd: string, args: string[]) =>
  execa('git', ['-C', cwd, ...args], { reject: false, env: { GIT_CONFIG_NOSYSTEM: '1', HOME: home.root } })

async function makeRepo(name: string, slug: string): Promise<string> {
  const dir = join(work, name)
  execFileSync('git', ['init', '-q', '-b', 'main', dir])
  execFileSync('git', ['-C', dir, 'config', 'user.name', 'Agent'])
  execFileSync('git', ['-C', dir, 'config', 'user.email', 'agent@example.invalid'])
  execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', `git@${GIT_HOST}:${slug}.git`])
  return dir
}

/** setup-deploy-key as a user runs it, in the checkout, against the mock GitHub (an Enterprise API URL). */
async function setupKey(cwd: string, name: string): Promise<{ deploy: string; signing: string }> {
  const r = await execa(process.execPath, [join(REPO_ROOT, 'bin', 'setup-deploy-key.js'), name], {
    cwd,
    reject: false,
    extendEnv: false,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...home.env, GITHUB_API_URL: gh.url, GH_TOKEN: gh.token },
  })
  expect(r.exitCode, r.stderr).toBe(0)
  const dir = join(home.root, '.ssh', 'deploy_keys')
  return { deploy: await readFile(join(dir, `${name}.pub`), 'utf8'), signing: await readFile(join(dir, `${name}-signing.pub`), 'utf8') }
}

interface SandboxRun {
  exitCode: number
  stdout: string
  stderr: string
  /** The proxy's decisions for this session, from its session record. */
  decisions: { host: string; port: number; decision: string }[]
  sessionId: string
}

const recordsIn = async (repo: string): Promise<string[]> =>
  (await readdir(join(repo, '.wrapix', 'log')).catch(() => [] as string[])).filter((f) => /^[^.].*\.json$/.test(f))

/** Runs a script in a limit-mode sandbox for `repo` that may reach only the git server (unless `allow` says otherwise). */
async function inSandbox(repo: string, boundary: 'container' | 'gvisor', script: string, opts: { env?: Record<string, string>; allow?: string[] } = {}): Promise<SandboxRun> {
  const allow = opts.allow ?? [`${GIT_HOST}:${sshd.port}`, `127.0.0.1:${sshd.port}`]
  const before = new Set(await recordsIn(repo))
  const r = await runWrapix(
    ['--boundary', boundary, '--image', BASE_IMAGE, '--network', 'limit', ...allow.flatMap((a) => ['--allow', a]),
      '--resolve', `${GIT_HOST}:127.0.0.1`, '--', 'sh', '-c', script],
    { cwd: repo, home, env: opts.env ?? {}, timeoutMs: 90_000 },
  )
  const fresh = (await recordsIn(repo)).filter((f) => !before.has(f))
  expect(fresh, r.stderr).toHaveLength(1)
  const record = JSON.parse(await readFile(join(repo, '.wrapix', 'log', fresh[0]!), 'utf8')) as { id: string; network: { decisionsFile: string } | null }
  sessions.add(record.id)
  const lines = record.network ? (await readFile(join(repo, '.wrapix', 'log', record.network.decisionsFile), 'utf8')).split('\n') : []
  const decisions = lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as SandboxRun['decisions'][number])
  return { ...r, decisions, sessionId: record.id }
}

/** `KEY=value` lines the sandbox script printed. */
const fields = (stdout: string): Record<string, string> =>
  Object.fromEntries(stdout.split('\n').filter((l) => /^[a-z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))

const commitAndPush = (message: string) => [
  // A glob, not ls: coreutils' statx fails with EINVAL under the runsc in bookworm (20221219).
  'echo "keys=$(cd /etc/wrapix/keys && echo *)"',
  'echo "pubs=$(cat /etc/wrapix/keys/*.pub | awk "{print \\$2}" | tr "\\n" " ")"',
  `date +%s%N > change.txt && git add change.txt && git commit -q -m "${message}"`,
  'echo "head=$(git rev-parse HEAD)"',
  'echo "signed=$(git cat-file commit HEAD | grep -c "^gpgsig ")"',
  'git push -q origin HEAD:main 2>push.err; echo "push=$?"; cat push.err >&2',
].join('\n')

async function verifyCommit(sha: string, signingPublicKey: string) {
  const allowed = join(work, `allowed-${sha}`)
  await writeFile(allowed, `* namespaces="git" ${signingPublicKey.trim()}\n`)
  return git(sshd.bareRepo, ['-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-commit', '-v', sha])
}

/** The user config: the git server as a GitHub Enterprise host, with `hostKey` pinned for it. */
const pinHostKey = (hostKey: string) =>
  writeFile(join(home.env.XDG_CONFIG_HOME!, 'wrapix', 'config.yaml'), [
    'keys:',
    '  githubHosts:',
    `    - host: ${GIT_HOST}`,
    `      knownHosts: ["[${GIT_HOST}]:${sshd.port} ${hostKey}"]`,
    '',
  ].join('\n'))

beforeAll(async () => {
  if (!podman) return
  work = await mkdtemp(join(tmpdir(), 'wrapix-deploy-push-'))
  gh = await startMockGithub({ repos: ['octo/demo', 'octo/other'] })
  home = await isolatedHome()
  repos.demo = await makeRepo('demo', 'octo/demo')
  repos.other = await makeRepo('other', 'octo/other')
  keys.demo = await setupKey(repos.demo, 'demo-e2e')
  keys.other = await setupKey(repos.other, 'other-e2e')
  sshd = await startGitSshd({ authorizedKey: keys.demo.deploy })
  // The origins name the server as a user would; the sshd serves its one bare repository for any path.
  for (const [name, dir] of Object.entries(repos)) {
    execFileSync('git', ['-C', dir, 'remote', 'set-url', 'origin', `ssh://${sshd.user}@${GIT_HOST}:${sshd.port}/octo/${name}.git`])
  }
  await mkdir(join(home.env.XDG_CONFIG_HOME!, 'wrapix'), { recursive: true })
  await pinHostKey(sshd.knownHostsLine.split(' ').slice(1).join(' '))
}, 120_000)

afterAll(async () => {
  for (const id of sessions) await removeSession(id)
  await sshd?.stop()
  await gh?.close()
  await home?.cleanup()
  if (work) await rm(work, { recursive: true, force: true })
})

describe.skipIf(!podman)('git push with a deploy key from inside a wrapix sandbox', () => {
  describe.each(['container', 'gvisor'] as const)('under %s', (boundary) => {
    it('pushes a commit signed with the signing key, through the proxy, with only this repository’s keys mounted', async () => {
      const r = await inSandbox(repos.demo, boundary, commitAndPush(`signed under ${boundary}`))
      expect(r.exitCode, r.stderr).toBe(0)
      const out = fields(r.stdout)
      expect(out.push, r.stderr).toBe('0')
      expect(out.keys?.trim().split(' ')).toEqual(['deploy_key', 'deploy_key.pub', 'signing_key', 'signing_key.pub'])
      expect(out.pubs?.trim().split(' ').sort()).toEqual([blob(keys.demo.deploy), blob(keys.demo.signing)].sort())
      expect(out.pubs).not.toContain(blob(keys.other.deploy))
      expect(out.pubs).not.toContain(blob(keys.other.signing))

      expect((await git(sshd.bareRepo, ['rev-parse', 'main'])).stdout.trim()).toBe(out.head)
      expect(out.signed).toBe('1')
      const verify = await verifyCommit(out.head!, keys.demo.signing)
      expect(verify.exitCode, verify.stderr).toBe(0)
      expect(verify.stderr).toContain('Good "git" signature')
      expect((await verifyCommit(out.head!, keys.other.signing)).exitCode).not.toBe(0)

      // The connection went through wrapix's proxy, which allowed the git server and nothing else.
      expect(r.decisions.filter((d) => d.decision === 'allow').map((d) => `${d.host}:${d.port}`)).toEqual([`${GIT_HOST}:${sshd.port}`])
      expect(await waitForNoContainers({ [SESSION_LABEL]: r.sessionId })).toEqual([])
    })
  })

  it('another repository’s sandbox gets that repository’s keys, which the first repository’s server refuses', async () => {
    const r = await inSandbox(repos.other, 'container', commitAndPush('from the other repository'))
    expect(r.exitCode, r.stderr).toBe(0)
    const out = fields(r.stdout)
    expect(out.pubs?.trim().split(' ').sort()).toEqual([blob(keys.other.deploy), blob(keys.other.signing)].sort())
    expect(out.push).not.toBe('0')
    expect(r.stderr).toContain('Permission denied (publickey)')
    expect((await git(sshd.bareRepo, ['rev-parse', 'main'])).stdout.trim()).not.toBe(out.head)
  })

  it('with WRAPIX_GIT_SIGN=0 pushes an unsigned commit and mounts no signing key', async () => {
    const r = await inSandbox(repos.demo, 'container', commitAndPush('unsigned'), { env: { WRAPIX_GIT_SIGN: '0' } })
    expect(r.exitCode, r.stderr).toBe(0)
    const out = fields(r.stdout)
    expect(out.keys?.trim().split(' ')).toEqual(['deploy_key', 'deploy_key.pub'])
    expect(out.push, r.stderr).toBe('0')
    expect(out.signed).toBe('0')
    expect((await git(sshd.bareRepo, ['rev-parse', 'main'])).stdout.trim()).toBe(out.head)
    expect((await verifyCommit(out.head!, keys.demo.signing)).exitCode).not.toBe(0)
  })

  it('sends ssh to a host without a deploy key through the proxy too (no key offered, so refused by the server)', async () => {
    const r = await inSandbox(repos.demo, 'container',
      `git ls-remote ssh://${sshd.user}@127.0.0.1:${sshd.port}/x.git >/dev/null 2>ls.err; echo "ls=$?"; cat ls.err >&2`)
    expect(fields(r.stdout).ls).not.toBe('0')
    expect(r.decisions).toContainEqual(expect.objectContaining({ host: '127.0.0.1', port: sshd.port, decision: 'allow' }))
    expect(r.stderr).not.toContain('Connection refused')
  })

  it('is refused by the network policy when the git server is not allowed', async () => {
    const r = await inSandbox(repos.demo, 'container', commitAndPush('not allowed'), { allow: [] })
    expect(r.exitCode, r.stderr).toBe(0)
    const out = fields(r.stdout)
    expect(out.push).not.toBe('0')
    expect(r.stderr).toContain(`${GIT_HOST}:${sshd.port} is not in the allowlist`)
    expect(r.decisions).toContainEqual(expect.objectContaining({ host: GIT_HOST, port: sshd.port, decision: 'deny' }))
    expect((await git(sshd.bareRepo, ['rev-parse', 'main'])).stdout.trim()).not.toBe(out.head)
  })

  it('refuses a git server whose host key is not the pinned one', async () => {
    await pinHostKey(generateKeyPair('not-the-server').publicKey.split(' ').slice(0, 2).join(' '))
    try {
      const r = await inSandbox(repos.demo, 'container', commitAndPush('wrong host key'))
      expect(fields(r.stdout).push).not.toBe('0')
      expect(r.stderr).toContain('Host key verification failed')
      expect((await git(sshd.bareRepo, ['rev-parse', 'main'])).stdout.trim()).not.toBe(fields(r.stdout).head)
    } finally {
      await pinHostKey(sshd.knownHostsLine.split(' ').slice(1).join(' '))
    }
  })
})
