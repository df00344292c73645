// main() in process, with host facts as a literal (probeHost is mocked), an isolated HOME/XDG and a temp project.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { HostFacts } from '../../../src/host/facts.js'
import { aRootHost } from '../helpers/host.js'
import { captureMain, stubIsolatedEnv, useIsolatedProject, type MainResult } from '../../helpers/in-process-main.js'

const fake = vi.hoisted(() => ({ host: undefined as HostFacts | undefined }))
vi.mock('../../../src/host/probe.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/host/probe.js')>()),
  probeHost: () => fake.host,
}))

const { main } = await import('../../../src/cli/main.js')

const SECRET = 'sk-ant-api03-Zq7XbW2mK9pLr4Ty8Hn3Vc6Jd1Fs5Ga0Qe-xYzW'
const IMAGE = 'localhost/wrapix-base:bookworm'
const dirs = useIsolatedProject('wrapix-unit-cli-')
let root: string
let home: string
let project: string

const run = (args: string[]): Promise<MainResult> => captureMain(main, args)

beforeAll(() => ({ root, home, project } = dirs))
beforeEach(() => {
  fake.host = aRootHost({ cpus: 4, user: { home }, rootUserns: { usable: true, reason: null } })
  stubIsolatedEnv(home, join(root, 'run'))
})
afterEach(() => {
  vi.unstubAllEnvs()
  rmSync(join(home, '.config', 'wrapix'), { recursive: true, force: true })
})

describe('bad input', () => {
  it.each([
    [['--memry', '4g'], /^wrapix: unknown option '--memry' \(Did you mean --memory\?\)$/],
    [['--memory', 'lots'], /^wrapix: --memory "lots" is not a size$/],
    [['--cpus', '0'], /^wrapix: --cpus "0" is not a positive number$/],
    [['-e', '1BAD=x'], /^wrapix: -e 1BAD=…: "1BAD" is not a variable name$/],
    [['-e', 'DB-PASSWORD=hunter2-secret-value'], /^wrapix: -e DB-PASSWORD=…: "DB-PASSWORD" is not a variable name$/],
    [['-v', '/data'], /^wrapix: -v \/data: expected SRC:DST or SRC:DST:ro\|rw$/],
    [['--boundary', 'vm'], /^wrapix: option '--boundary <kind>' argument 'vm' is invalid\. Allowed choices are auto, microvm, gvisor, container\.$/],
    [['--agent', 'clippy'], /^wrapix: option '--agent <name>' argument 'clippy' is invalid/],
    [['config', '--', 'ls'], /^wrapix: "--" and a command only go with run or shell$/],
  ])('%j exits 2 with one line naming the problem, and a hint', async (args, line) => {
    const { code, stdout, stderr } = await run(args)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    const lines = stderr.trimEnd().split('\n')
    expect(lines[0]).toMatch(line)
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^hint: /)])
  }, 30_000) // the first case loads the run path (its transform alone takes seconds on a busy machine)

  it('an unknown profile exits 3 and lists the known ones', async () => {
    const { code, stderr } = await run(['--profile', 'rustt', '--image', IMAGE, '--dry-run'])
    expect(code).toBe(3)
    expect(stderr).toMatch(/^wrapix: unknown profile "rustt"\nhint: choose one of: base, python, rust/)
  })

  it('prints no stack trace without --verbose', async () => {
    const { stderr } = await run(['--memory', 'lots'])
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  it('with --json, prints the error as JSON on stdout', async () => {
    const { code, stdout } = await run(['--json', '--memory', 'lots'])
    expect(code).toBe(2)
    expect(JSON.parse(stdout)).toEqual({ ok: false, kind: 'usage', exitCode: 2, message: '--memory "lots" is not a size', hint: 'use MiB (4096) or a unit: 512m, 4g' })
  })

  it('with --json, a flag commander refuses is JSON too', async () => {
    const { code, stdout } = await run(['--json', '--memry', '4g'])
    expect(code).toBe(2)
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, kind: 'usage', message: expect.stringContaining("unknown option '--memry'") })
  })

  it('with --json, a host problem names its kind', async () => {
    fake.host = aRootHost({ user: { home }, podman: { path: null } })
    const { code, stdout } = await run(['--json', '--boundary', 'container', '--network', 'none', '--image', IMAGE, '--dry-run'])
    expect(code).toBe(4)
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, kind: 'host', message: 'podman is not installed', hint: expect.stringContaining('apt install podman') })
  })
})

describe('macOS', () => {
  const mac = () => aRootHost({ os: 'darwin', osRelease: '25.0.0', appleContainer: '/usr/local/bin/container', podman: { path: null }, user: { uid: 501, gid: 20, name: 'ada', home } })

  it('prints the Apple container command with --dry-run', async () => {
    fake.host = mac()
    const { code, stdout } = await run(['--network', 'none', '--image', IMAGE, '--dry-run', '--', 'true'])
    expect(code).toBe(0)
    expect(stdout.split('\n').slice(0, 2)).toEqual(['container', 'run'])
  })

  // Regression: a real run on macOS went on to start podman and the Linux network namespace. Now the Mac is
  // checked first (here `container` does not answer), and a session that cannot start leaves no journal.
  it('stops before the record when Apple container cannot run the session, with the fix', async () => {
    fake.host = mac()
    const { code, stderr } = await run(['--network', 'none', '--image', IMAGE, '--', 'true'])
    expect(code).toBe(4)
    expect(stderr).toContain('wrapix: /usr/local/bin/container --version did not answer')
    expect(stderr).toContain('reinstall it')
    expect(existsSync(join(project, '.wrapix', 'log', '.journal'))).toBe(false)
  })

  it('refuses --boundary gvisor instead of ignoring it', async () => {
    fake.host = mac()
    const { code, stderr } = await run(['--boundary', 'gvisor', '--network', 'none', '--image', IMAGE, '--dry-run', '--', 'true'])
    expect(code).toBe(2)
    expect(stderr).toContain('--boundary gvisor is not available on macOS')
  })
})

describe('--dry-run', () => {
  const dryRun = (extra: string[] = []) => run(['--boundary', 'container', '--network', 'none', '--image', IMAGE, ...extra, '--dry-run', '--', 'true'])

  it('prints the podman command, one argument per line, and starts nothing', async () => {
    const { code, stdout } = await dryRun()
    expect(code).toBe(0)
    const argv = stdout.trimEnd().split('\n')
    expect(argv.slice(0, 3)).toEqual(['podman', 'run', '--rm'])
    expect(argv.slice(-4)).toEqual([IMAGE, '/bin/sh', '/etc/wrapix/session/entry.sh', 'true'])
    // As root on a host that allows it: a user namespace of its own, every bind id-mapped.
    expect(argv).toContain(`type=bind,source=${project},destination=/workspace,idmap`)
    expect(argv[argv.indexOf('--userns') + 1]).toBe('auto:size=65536')
  })

  it('as root where the host gives no user namespace: host ids, no idmap', async () => {
    fake.host = aRootHost({ cpus: 4, user: { home }, rootUserns: { usable: false, reason: 'no containers range' } })
    const argv = (await dryRun()).stdout.trimEnd().split('\n')
    expect(argv).not.toContain('--userns')
    expect(argv).toContain(`type=bind,source=${project},destination=/workspace`)
  })

  it('never shows a secret given with -e, nor one from the host environment', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', `${SECRET}-host`)
    const { code, stdout, stderr } = await dryRun(['-e', `SECRET=${SECRET}`])
    expect(code).toBe(0)
    const argv = stdout.trimEnd().split('\n')
    expect(stdout + stderr).not.toContain(SECRET.slice(0, 20))
    expect(argv).toContain('SECRET')
    // With no network the agent credential is withheld entirely, and the user is told.
    expect(argv.some((a) => a.startsWith('ANTHROPIC_API_KEY'))).toBe(false)
    expect(stderr).toContain('ANTHROPIC_API_KEY is not given to the sandbox: network mode "none"')
  })

  it('with --json, gives argv and the plan, secrets masked', async () => {
    const { code, stdout } = await dryRun(['--json', '-e', `SECRET=${SECRET}`, '-e', 'PLAIN=visible'])
    expect(code).toBe(0)
    expect(stdout).not.toContain(SECRET.slice(0, 20))
    const result = JSON.parse(stdout)
    expect(result.ok).toBe(true)
    expect(result.argv[0]).toBe('podman')
    expect(result.plan.secretNames).toEqual(expect.arrayContaining(['SECRET', 'PLAIN']))
    expect(result.plan.boundary).toBe('container')
  })

  it('WRAPIX_NO_MICROVM=1 chooses the container boundary', async () => {
    vi.stubEnv('WRAPIX_NO_MICROVM', '1')
    const { code, stdout } = await run(['--network', 'none', '--image', IMAGE, '--dry-run', '--', 'true'])
    expect(code).toBe(0)
    const argv = stdout.split('\n')
    expect(argv[argv.indexOf('--runtime') + 1]).toBe('crun')
  })

  it('an explicit microvm boundary stops on this host with both ways forward', async () => {
    fake.host = aRootHost({ user: { home }, kvm: { usable: false, reason: 'no /dev/kvm' }, runtimes: { krun: null } })
    const { code, stderr } = await run(['--boundary', 'microvm', '--network', 'none', '--image', IMAGE, '--dry-run', '--', 'true'])
    expect(code).toBe(4)
    expect(stderr).toContain('wrapix: the microvm boundary needs a usable /dev/kvm (no /dev/kvm) and a krun runtime')
    expect(stderr).toContain('--boundary gvisor')
  })

  it('the default (auto) takes the strongest boundary the host has and says why in one line', async () => {
    fake.host = aRootHost({ user: { home }, runtimes: { krun: null } })
    const { code, stdout, stderr } = await run(['--network', 'none', '--image', IMAGE, '--dry-run', '--', 'true'])
    expect(code, stderr).toBe(0)
    expect(stderr).toContain('wrapix: boundary gvisor (no krun runtime; install crun-krun for a microVM)\n')
    expect(stdout).toContain('runsc')
  })

  it('a minimum in the user config stops auto from going below it, naming the file and the fix', async () => {
    mkdirSync(join(home, '.config', 'wrapix'), { recursive: true })
    writeFileSync(join(home, '.config', 'wrapix', 'config.yaml'), 'minimumBoundary: gvisor\n')
    fake.host = aRootHost({ user: { home }, runtimes: { krun: null, runsc: null } })
    const { code, stderr } = await run(['--network', 'none', '--image', IMAGE, '--dry-run', '--', 'true'])
    expect(code).toBe(4)
    expect(stderr).toContain('no boundary at least as strong as gvisor runs on this host')
    expect(stderr).toContain('install runsc for gVisor')
  })
})

describe('wrapix config', () => {
  it('--json shows each value with its source and file', async () => {
    mkdirSync(join(home, '.config', 'wrapix'), { recursive: true })
    const userFile = join(home, '.config', 'wrapix', 'config.yaml')
    writeFileSync(userFile, 'agent: codex\nresources: { memoryMb: 2048 }\n')
    vi.stubEnv('WRAPIX_BOUNDARY', 'gvisor')
    const { code, stdout } = await run(['config', '--json', '--profile', 'rust'])
    expect(code).toBe(0)
    const { settings, files } = JSON.parse(stdout)
    expect(settings.agent).toEqual({ value: 'codex', source: 'user', file: userFile })
    expect(settings['resources.memoryMb']).toEqual({ value: 2048, source: 'user', file: userFile })
    expect(settings.boundary).toEqual({ value: 'gvisor', source: 'env' })
    expect(settings.profile).toEqual({ value: 'rust', source: 'flag' })
    expect(settings['resources.pidsLimit']).toEqual({ value: 4096, source: 'default' })
    expect(settings['resources.cpus']).toEqual({ value: 2, source: 'default' })
    expect(settings['env.RUSTC_WRAPPER']).toMatchObject({ value: 'sccache', source: 'profile' })
    expect(files.user).toBe(userFile)
  })

  it('says who the sandbox is on the host, for the boundary it resolves to', async () => {
    vi.stubEnv('WRAPIX_BOUNDARY', 'container')
    expect(JSON.parse((await run(['config', '--json'])).stdout).sandboxUser).toMatch(/^root inside, a subordinate id on the host: 65536 ids of the "containers" range per session/)
    expect((await run(['config'])).stdout).toMatch(/^sandbox user\s+root inside, a subordinate id on the host/m)
    vi.stubEnv('WRAPIX_BOUNDARY', 'gvisor')
    expect(JSON.parse((await run(['config', '--json'])).stdout).sandboxUser).toMatch(/^root inside gVisor's kernel, no user namespace: runsc rejects id-mapped binds/)
    fake.host = aRootHost({ cpus: 4, user: { home }, rootUserns: { usable: false, reason: '/etc/subuid has no range' } })
    vi.stubEnv('WRAPIX_BOUNDARY', 'container')
    expect(JSON.parse((await run(['config', '--json'])).stdout).sandboxUser).toBe('host root without capabilities: /etc/subuid has no range')
  })

  it('shows the credential table: variable, API, header and delivery, never a value', async () => {
    mkdirSync(join(home, '.config', 'wrapix'), { recursive: true })
    writeFileSync(join(home, '.config', 'wrapix', 'config.yaml'), 'credentials:\n  OPENAI_API_KEY: env\n  EXAMPLE_TOKEN: { url: "https://api.example.test/v1", header: X-Token, scheme: bearer, baseUrlEnv: EXAMPLE_BASE_URL }\n')
    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-api03-configShowValue0000000000-AbCd')
    const json = JSON.parse((await run(['config', '--json'])).stdout)
    expect(json.credentials).toContainEqual({ name: 'ANTHROPIC_API_KEY', url: 'https://api.anthropic.com', header: 'x-api-key', scheme: 'raw', baseUrlEnv: 'ANTHROPIC_BASE_URL', delivery: 'proxy', set: true })
    expect(json.credentials).toContainEqual(expect.objectContaining({ name: 'OPENAI_API_KEY', delivery: 'env', set: false }))
    expect(json.credentials).toContainEqual(expect.objectContaining({ name: 'EXAMPLE_TOKEN', url: 'https://api.example.test/v1', header: 'x-token', scheme: 'bearer' }))
    const { stdout } = await run(['config'])
    expect(stdout).toMatch(/^credential\s+ANTHROPIC_API_KEY → https:\/\/api\.anthropic\.com: added by the host proxy as x-api-key/m)
    expect(stdout).not.toContain('configShowValue')
  })

  it('names the file and line of an invalid user config, exit 3', async () => {
    mkdirSync(join(home, '.config', 'wrapix'), { recursive: true })
    const userFile = join(home, '.config', 'wrapix', 'config.yaml')
    writeFileSync(userFile, 'agent: codex\nresorces: {}\n')
    const { code, stderr } = await run(['config'])
    expect(code).toBe(3)
    expect(stderr.split('\n')[0]).toBe(`wrapix: ${userFile}:2: (top level): unknown field "resorces"`)
  })

  it('--explain lists the settings a file can hold', async () => {
    const { code, stdout } = await run(['config', '--explain'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^boundary\s+auto \(default: the strongest this host supports\), microvm, gvisor or container$/m)
    expect(stdout).toMatch(/^minimumBoundary\s+the weakest boundary/m)
  })
})

describe('wrapix profile', () => {
  it('ls lists the built-ins', async () => {
    const { code, stdout } = await run(['profile', 'ls', '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(stdout).profiles.map((p: { name: string; source: string }) => [p.name, p.source])).toEqual([['base', 'builtin'], ['python', 'builtin'], ['rust', 'builtin']])
  })

  it('ls shows a user profile next to them', async () => {
    mkdirSync(join(home, '.config', 'wrapix', 'profiles'), { recursive: true })
    writeFileSync(join(home, '.config', 'wrapix', 'profiles', 'mine.yaml'), 'extends: base\ndescription: my own\n')
    const { stdout } = await run(['profile', 'ls'])
    expect(stdout).toMatch(/^mine\s+user\s+my own$/m)
  })

  it('show merges the extends: chain', async () => {
    const { code, stdout } = await run(['profile', 'show', 'python', '--json'])
    expect(code).toBe(0)
    const shown = JSON.parse(stdout)
    expect(shown.chain.map((l: { name: string }) => l.name)).toEqual(['base', 'python'])
    expect(shown.profile.network.allowedDomains).toEqual(expect.arrayContaining(['api.anthropic.com', 'pypi.org']))
  })

  it('show of an unknown profile exits 3', async () => {
    expect((await run(['profile', 'show', 'nope'])).code).toBe(3)
  })
})

describe('wrapix doctor', () => {
  it('--json reports what is missing and the fix', async () => {
    fake.host = aRootHost({ user: { home }, podman: { path: null }, runtimes: { krun: null, runsc: null, crun: null }, kvm: { usable: false, reason: 'no /dev/kvm' } })
    const { code, stdout } = await run(['doctor', '--json'])
    expect(code).toBe(4) // nothing usable: a host problem scripts can test for
    const report = JSON.parse(stdout)
    expect(report.ok).toBe(false)
    expect(report.checks).toContainEqual({ name: 'podman', ok: false, detail: 'not installed', fix: 'sudo apt install podman' })
    expect(report.boundaries.container).toMatchObject({ ok: false, problem: 'podman is not installed' })
  })

  it('shows which boundaries work', async () => {
    fake.host = aRootHost({ user: { home }, podman: { path: null } })
    const { stdout } = await run(['doctor', '--json'])
    expect(JSON.parse(stdout).checks.find((c: { name: string }) => c.name === 'runsc (gvisor)')).toMatchObject({ ok: true })
  })
})

describe('--help', () => {
  it('run --help documents every run flag (snapshot)', async () => {
    const { code, stdout } = await run(['run', '--help'])
    expect(code).toBe(0)
    expect(stdout).toMatchInlineSnapshot(`
      "Usage: wrapix run [DIR] [options] [-- COMMAND ARGS…]

      start the agent (or the command after --) in a sandbox for DIR (default: the
      current directory)

      Options:
        --profile <name>                profile: base, rust, python, or your own (env
                                        WRAPIX_PROFILE)
        --agent <name>                  agent to start (env WRAPIX_AGENT) (choices:
                                        "claude", "codex", "gemini", "shell")
        --boundary <kind>               isolation: auto (default: strongest
                                        available), microvm, gvisor, container (env
                                        WRAPIX_BOUNDARY; WRAPIX_NO_MICROVM=1 =
                                        container) (choices: "auto", "microvm",
                                        "gvisor", "container")
        --network <mode>                limit (allowlist, default), open, none (env
                                        WRAPIX_NETWORK) (choices: "limit", "open",
                                        "none")
        -e, --env <KEY[=VALUE]>         set a variable, or pass your own KEY
                                        (repeatable)
        --env-file <file>               read KEY=VALUE lines from a file (repeatable)
        -v, --volume <SRC:DST[:ro|rw]>  mount a host path (repeatable)
        --allow <host[:port]>           also allow this host (repeatable)
        --deny <host[:port]>            deny this host (repeatable; deny wins)
        --resolve <host:address>        resolve host to address in wrapix's proxy
                                        (repeatable)
        --cpus <n>                      CPU limit (default: half the host, at least 2;
                                        env WRAPIX_CPUS)
        --memory <size>                 memory limit: MiB or 512m, 4g (default 4g; env
                                        WRAPIX_MEMORY)
        --pids-limit <n>                process limit (default 4096; env
                                        WRAPIX_PIDS_LIMIT)
        --image <ref>                   run this image instead of the profile image
                                        (env WRAPIX_IMAGE)
        --dry-run                       print the exact runtime command, one argument
                                        per line (or --json), and exit
        -h, --help                      display help for command

      Global Options:
        -V, --version                   output the version number
        --json                          machine-readable output on stdout
        --verbose                       explain each step (and show stack traces)
        -q, --quiet                     print nothing but errors
        --no-input                      never ask questions (fail, or print what would
                                        be done, instead)
        --no-color                      no colours (also: NO_COLOR=1)
      "
    `)
  })

  it('--version prints the version', async () => {
    const { code, stdout } = await run(['--version'])
    expect(code).toBe(0)
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })
})
