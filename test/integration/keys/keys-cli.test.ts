// The commands as a user runs them (in-process): setup-deploy-key, wrapix keys ls/rotate/rm, and
// wrapix-builder config/setup, with an isolated HOME, a mock GitHub and prompts mocked.
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { ensureBuilderKeys } from '../../../src/builder/builder-keys.js'
import { resolveBuilderSettings } from '../../../src/builder/builder-settings.js'
import { closedLoopbackPort, type MockGithub, startMockGithub } from '../../helpers/mock-github.js'

const confirm = vi.fn<(message: string) => Promise<boolean>>()
vi.mock('../../../src/cli/prompts.js', () => ({ confirm: (message: string) => confirm(message) }))

let gh: MockGithub
let dir: string
const saved = { cwd: process.cwd(), env: { ...process.env } }

async function capture(run: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true))
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true))
  try {
    return { code: await run(), stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}
const setupKey = async (...args: string[]) => capture(async () => (await import('../../../src/cli/setup-deploy-key-main.js')).main(args))
const wrapix = async (...args: string[]) => capture(async () => (await import('../../../src/cli/main.js')).main(args))
const builder = async (...args: string[]) => capture(async () => (await import('../../../src/cli/builder-main.js')).main(args))

beforeAll(async () => {
  gh = await startMockGithub({ repos: ['ada/cli.repo'] })
  dir = await mkdtemp(join(tmpdir(), 'wrapix-keys-cli-'))
  const repo = join(dir, 'repo')
  execFileSync('git', ['init', '-q', repo])
  execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', 'git@github.com:ada/cli.repo.git'])
  process.env.HOME = join(dir, 'home')
  process.env.GH_TOKEN = gh.token
  process.env.GITHUB_API_URL = gh.url
  delete process.env.GITHUB_TOKEN
  delete process.env.XDG_CONFIG_HOME
  process.chdir(repo)
})
afterAll(async () => {
  process.chdir(saved.cwd)
  process.env = saved.env
  await gh.close()
  await rm(dir, { recursive: true, force: true })
})
afterEach(() => confirm.mockReset())

describe('setup-deploy-key and wrapix keys', () => {
  it('sets up a key, refuses a second without -f (exit 2, hint), lists it, rotates and removes it', async () => {
    const first = await setupKey('cli-key', '--json')
    expect(first.code).toBe(0)
    const created = JSON.parse(first.stdout) as { key: { name: string; repository: string; deploy: { fingerprint: string } } }
    expect(created.key).toMatchObject({ name: 'cli-key', repository: 'ada/cli.repo' })

    const again = await setupKey('cli-key')
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('a key named "cli-key" already exists')
    expect(again.stderr).toContain('hint: replace it locally and on GitHub with: setup-deploy-key cli-key -f')

    const ls = await wrapix('keys', 'ls', '--json')
    expect(ls.code).toBe(0)
    const rows = (JSON.parse(ls.stdout) as { keys: { name: string; fingerprint: string; registered: boolean }[] }).keys
    expect(rows).toEqual([expect.objectContaining({ name: 'cli-key', registered: true, fingerprint: created.key.deploy.fingerprint })])

    const rotated = await wrapix('keys', 'rotate', 'cli-key')
    expect(rotated.code).toBe(0)
    expect(rotated.stdout).not.toContain(created.key.deploy.fingerprint)
    expect(gh.repos.get('ada/cli.repo')).toHaveLength(1)

    const removed = await wrapix('keys', 'rm', 'cli-key')
    expect(removed.code).toBe(0)
    expect(gh.repos.get('ada/cli.repo')).toEqual([])
    expect(JSON.parse((await wrapix('keys', 'ls', '--json')).stdout)).toEqual({ keys: [], problems: [] })
  })

  it('takes the global flags wrapix takes: -q prints nothing but errors, --no-input and --verbose are accepted', async () => {
    const quiet = await setupKey('quiet-key', '-q', '--no-input', '--verbose')
    expect(quiet.code, quiet.stderr).toBe(0)
    expect(quiet.stdout).toBe('')
    const dup = await setupKey('quiet-key', '-q')
    expect(dup.code).toBe(2)
    expect(dup.stderr).toContain('already exists')
    expect((await wrapix('keys', 'rm', 'quiet-key')).code).toBe(0)
  })

  it('renders a network failure as one line with a hint and exit code 4', async () => {
    const port = await closedLoopbackPort()
    const r = await setupKey('--github-api', `http://127.0.0.1:${port}`)
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/^wrapix: cannot reach the GitHub API at http:\/\/127\.0\.0\.1:\d+ to register the deploy key on ada\/cli\.repo \(ECONNREFUSED\)\nhint: /)
  })

  it('keys ls --check marks a key whose deploy or signing key was removed on GitHub', async () => {
    await setupKey('check-key')
    type Row = { name: string; registered: boolean; warning: string | null }
    const check = async () => (JSON.parse((await wrapix('keys', 'ls', '--check', '--json')).stdout) as { keys: Row[] }).keys
    expect(await check()).toEqual([expect.objectContaining({ name: 'check-key', registered: true, warning: null })])

    gh.signingKeys.splice(0) // removed by hand in GitHub's settings: the deploy key alone is not enough
    const noSigning = await wrapix('keys', 'ls', '--check')
    expect(noSigning.stderr).toContain('deploy key "check-key" is no longer registered on GitHub: setup-deploy-key check-key -f')
    expect(noSigning.stdout).toMatch(/check-key\s+ada\/cli\.repo\s+\S+\s+0d\s+NO\s/)

    await setupKey('check-key', '-f')
    gh.repos.get('ada/cli.repo')!.splice(0)
    expect(await check()).toEqual([expect.objectContaining({ name: 'check-key', registered: false })])
    await wrapix('keys', 'rm', 'check-key')
  })

  it('warns about deploy keys older than 90 days in keys ls', async () => {
    await setupKey('old-key')
    const file = join(process.env.HOME!, '.ssh', 'deploy_keys', 'old-key.json')
    const record = JSON.parse(await readFile(file, 'utf8')) as { created: string }
    record.created = new Date(Date.now() - 120 * 86_400_000).toISOString()
    await import('node:fs/promises').then((fs) => fs.writeFile(file, JSON.stringify(record)))
    const ls = await wrapix('keys', 'ls')
    expect(ls.stdout).toMatch(/old-key\s+ada\/cli\.repo\s+\S+\s+120d!/)
    expect(ls.stderr).toContain('deploy key "old-key" is 120 days old (rotate after 90): wrapix keys rotate old-key')
    await wrapix('keys', 'rm', 'old-key')
  })
})

describe('wrapix-builder config and setup', () => {
  it('prints the ssh config and Nix entry, and setup asks before each file', async () => {
    const settings = resolveBuilderSettings(process.env.HOME!, {}, 'linux', { name: 'cli-builder' })
    await ensureBuilderKeys(settings, new Date())
    const config = await builder('--name', 'cli-builder', 'config')
    expect(config.code).toBe(0)
    expect(config.stdout).toContain('Host cli-builder\n  HostName 127.0.0.1\n  Port 2222\n  User builder\n')
    expect(config.stdout).toContain('nix.buildMachines = [{')

    const dry = await builder('--name', 'cli-builder', '--no-input', 'setup')
    expect(dry.stdout).toContain(`would update ${join(process.env.HOME!, '.ssh', 'config')}`)
    expect(dry.stdout).toContain('would update /etc/nix/machines')
    expect(confirm).not.toHaveBeenCalled()

    // Yes to the user's ssh config, no to every system file.
    confirm.mockImplementation(async (message) => message.includes('.ssh/config'))
    const setup = await builder('--name', 'cli-builder', 'setup')
    expect(setup.code).toBe(0)
    expect(confirm).toHaveBeenCalledTimes(4)
    expect(await readFile(join(process.env.HOME!, '.ssh', 'config'), 'utf8')).toContain('# >>> wrapix-builder cli-builder >>>\nHost cli-builder\n')
  })

  it('takes the global flags wrapix takes (-q, --no-input, --json, --verbose)', async () => {
    const r = await builder('-q', '--verbose', '--no-input', '--name', 'cli-builder-absent', 'stop')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout + r.stderr).toBe('')
  })

  it('status of a builder that is not running exits 4 (host) and says absent', async () => {
    const r = await builder('--name', 'cli-builder-absent', '--json', 'status')
    expect(r.code).toBe(4)
    expect(JSON.parse(r.stdout)).toMatchObject({ container: 'absent', ssh: null })
  })
})
