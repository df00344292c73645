// The bad-input corpus: the built `wrapix` run as a user runs it (the bin file itself, through its shebang,
// isolated HOME, a temp project). For each case: the exit code, one `wrapix:` line naming the problem, a
// hint, no JavaScript stack trace, no escape codes on a non-terminal stderr, and nothing written anywhere.
import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isolatedHome, REPO_ROOT, requireBuiltCli, WRAPIX_BIN, type IsolatedHome } from '../helpers/cli.js'

interface Case {
  readonly name: string
  readonly args: readonly string[]
  readonly code: number
  readonly error: RegExp
  /** Files written into the temp project before the run (relative path → content). */
  readonly project?: Readonly<Record<string, string>>
  /** Files written into the isolated HOME before the run. */
  readonly home?: Readonly<Record<string, string>>
  readonly env?: Readonly<Record<string, string>>
  /** Extra setup in the project dir (symlinks, FIFOs, directories). */
  readonly setup?: (dir: string) => Promise<void>
}

const DRY = ['--dry-run', '--boundary', 'container'] as const
const RECORD_OK = JSON.stringify({ schemaVersion: 999, id: 'x' })
const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [*${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}]`)].join('\n')
const userConfig = (text: string) => ({ '.config/wrapix/config.yaml': text })
const projectConfig = (text: string) => ({ '.wrapix/config.yaml': text })

const CASES: Case[] = [
  // Mistyped commands and project directories
  { name: 'a mistyped command is not taken as DIR', args: ['logs'], code: 2, error: /unknown command "logs", did you mean "log"\?/ },
  { name: 'docter → doctor', args: ['docter'], code: 2, error: /unknown command "docter", did you mean "doctor"\?/ },
  { name: 'an unknown word with no near command', args: ['frobnicate'], code: 2, error: /^unknown command "frobnicate"$/ },
  { name: 'run FILE', args: ['run', 'README'], code: 2, error: /^README is not a directory$/, project: { README: 'hi\n' } },
  { name: 'FILE as the default command', args: ['README'], code: 2, error: /^README is not a directory$/, project: { README: 'hi\n' } },
  { name: 'shell FILE', args: ['shell', 'README'], code: 2, error: /^README is not a directory$/, project: { README: 'hi\n' } },
  { name: 'run a missing DIR', args: ['run', 'nowhere'], code: 2, error: /^project directory nowhere does not exist$/ },
  { name: 'a missing ./DIR', args: ['./nowhere'], code: 2, error: /^project directory \.\/nowhere does not exist$/ },
  { name: 'config with a missing DIR', args: ['config', 'nowhere'], code: 2, error: /project directory nowhere does not exist/ },
  { name: 'config with a file as DIR', args: ['config', 'README'], code: 2, error: /README is not a directory/, project: { README: 'hi\n' } },
  { name: 'log ls -C missing', args: ['log', 'ls', '-C', 'nowhere'], code: 2, error: /project directory nowhere does not exist/ },
  { name: 'log show -C FILE', args: ['log', 'show', '-C', 'README'], code: 2, error: /README is not a directory/, project: { README: 'hi\n' } },
  // Flags: every one checked before anything is prepared or written
  { name: '--resolve garbage (dry run)', args: [...DRY, '--resolve', 'garbage'], code: 2, error: /--resolve garbage: expected HOST:ADDRESS/ },
  { name: '--resolve garbage (real run: no phantom record)', args: ['--boundary', 'container', '--resolve', 'api.test:nope'], code: 2, error: /"nope" is not an IP address/ },
  { name: '--cpus above the static bound', args: [...DRY, '--cpus', '999999'], code: 2, error: /--cpus "999999" is too large/ },
  { name: '--cpus above the host', args: [...DRY, '--cpus', '1000'], code: 2, error: /--cpus 1000: more CPUs than this host has/ },
  { name: '--cpus 1e-7', args: [...DRY, '--cpus', '0.0000001'], code: 2, error: /--cpus "0.0000001" is too small/ },
  { name: '--cpus not a number', args: [...DRY, '--cpus', 'lots'], code: 2, error: /--cpus "lots" is not a positive number/ },
  { name: '--memory 99999999999t', args: [...DRY, '--memory', '99999999999t'], code: 2, error: /--memory "99999999999t" is too large/ },
  { name: '--memory 5m', args: [...DRY, '--memory', '5m'], code: 2, error: /--memory "5m" is too small/ },
  { name: '--memory not a size', args: [...DRY, '--memory', 'big'], code: 2, error: /--memory "big" is not a size/ },
  { name: '--pids-limit 0', args: [...DRY, '--pids-limit', '0'], code: 2, error: /--pids-limit "0" is not a positive whole number/ },
  { name: '--pids-limit too large', args: [...DRY, '--pids-limit', '99999999'], code: 2, error: /--pids-limit "99999999" is too large/ },
  { name: 'WRAPIX_CPUS tiny', args: [...DRY], env: { WRAPIX_CPUS: '0.0000001' }, code: 2, error: /WRAPIX_CPUS "0.0000001" is too small/ },
  { name: 'WRAPIX_MEMORY above the host', args: [...DRY], env: { WRAPIX_MEMORY: '16t' }, code: 2, error: /WRAPIX_MEMORY \d+: more MiB of memory than this host has/ },
  { name: 'WRAPIX_BOUNDARY unknown', args: ['--dry-run'], env: { WRAPIX_BOUNDARY: 'vm' }, code: 2, error: /WRAPIX_BOUNDARY=vm is not valid/ },
  { name: '-e HTTPS_PROXY', args: [...DRY, '-e', 'HTTPS_PROXY=http://evil:1'], code: 2, error: /HTTPS_PROXY is set by wrapix .*network proxy/ },
  { name: '-e http_proxy passed through', args: [...DRY, '-e', 'http_proxy'], env: { http_proxy: 'x' }, code: 2, error: /http_proxy is set by wrapix/ },
  { name: '-e HOME', args: [...DRY, '-e', 'HOME=/x'], code: 2, error: /HOME is set by wrapix and cannot be changed/ },
  { name: '-e bad name', args: [...DRY, '-e', '1BAD=x'], code: 2, error: /"1BAD" is not a variable name/ },
  { name: '-e a host variable that is not set', args: [...DRY, '-e', 'WRAPIX_TEST_UNSET_VAR'], code: 2, error: /is not set in your environment/ },
  { name: '--env-file missing (Node never sees it)', args: [...DRY, '--env-file', 'missing.env'], code: 2, error: /^--env-file missing.env: no such file$/ },
  { name: '--env-file a directory', args: [...DRY, '--env-file', 'adir'], code: 2, error: /--env-file adir: is a directory/, setup: (d) => mkdir(join(d, 'adir')) },
  { name: '--env-file /dev/zero', args: [...DRY, '--env-file', '/dev/zero'], code: 2, error: /--env-file \/dev\/zero: larger than 1 MiB/ },
  { name: '--env-file with a bad line', args: [...DRY, '--env-file', 'bad.env'], code: 2, error: /--env-file bad.env:2: expected NAME=VALUE/, project: { 'bad.env': 'A=1\nnot a line\n' } },
  { name: '--allow 999.999.999.999', args: [...DRY, '--allow', '999.999.999.999'], code: 2, error: /invalid network rule "999.999.999.999": not a valid IP address/ },
  { name: '--allow with a space', args: [...DRY, '--allow', 'exa mple.com'], code: 2, error: /invalid network rule/ },
  { name: '--deny with a bad wildcard', args: [...DRY, '--deny', 'a.*.com'], code: 2, error: /"\*" is only allowed as the first label/ },
  { name: '--allow with a bad port', args: [...DRY, '--allow', 'example.com:99999'], code: 2, error: /port must be 1-65535/ },
  { name: '--boundary unknown', args: ['--boundary', 'vm'], code: 2, error: /argument 'vm' is invalid/ },
  { name: '--network unknown', args: ['--network', 'maybe'], code: 2, error: /argument 'maybe' is invalid/ },
  { name: '--agent unknown', args: ['--agent', 'robot'], code: 2, error: /argument 'robot' is invalid/ },
  { name: '--image empty', args: [...DRY, '--image', ' '], code: 2, error: /--image is empty/ },
  { name: '-v without a destination', args: [...DRY, '-v', '/tmp'], code: 2, error: /-v \/tmp: expected SRC:DST/ },
  { name: '-v relative destination', args: [...DRY, '-v', '/tmp:data'], code: 2, error: /destination "data" must be an absolute path/ },
  { name: 'an unknown option', args: ['--frobnicate'], code: 2, error: /unknown option '--frobnicate'/ },
  { name: 'shell takes no --agent (it always starts bash)', args: ['shell', '--agent', 'codex'], code: 2, error: /unknown option '--agent'/ },
  { name: 'a mistyped option', args: ['--dryrun'], code: 2, error: /unknown option '--dryrun'.*--dry-run/ },
  { name: '"--" with a command that takes none', args: ['config', '--', 'ls'], code: 2, error: /"--" and a command only go with run or shell/ },
  { name: 'completion for an unknown shell', args: ['completion', 'tcsh'], code: 2, error: /no completion for shell "tcsh"/ },
  { name: 'completion without a shell', args: ['completion'], code: 2, error: /missing required argument 'shell'/ },
  { name: 'policy check garbage', args: ['policy', 'check', 'bad host:0'], code: 2, error: /"bad host:0" is not HOST\[:PORT\]/ },
  { name: 'policy approve a non-project file', args: ['policy', 'approve', 'README'], code: 2, error: /README is not a project profile or the project config/, project: { README: 'hi\n' } },
  { name: 'policy approve ~/.bashrc', args: ['policy', 'approve', '../.bashrc'], code: 2, error: /is not a project profile/ },
  { name: 'policy approve with no project config', args: ['policy', 'approve'], code: 2, error: /no project config at/ },
  { name: 'policy log with no sessions (hint names a real command)', args: ['policy', 'log'], code: 2, error: /no session has network decisions yet/ },
  { name: 'policy log for an unknown id', args: ['policy', 'log', 'zzzz'], code: 2, error: /no session "zzzz"/, project: { '.wrapix/log/20260101T000000.000Z-abcd1234.network.jsonl': '' } },
  { name: 'log show with no records', args: ['log', 'show'], code: 2, error: /no session records in/ },
  { name: 'log show a damaged record', args: ['log', 'show'], code: 2, error: /cannot read session record .*20260101T000000\.000Z-abcd1234\.json: damaged \(not JSON\)/, project: { '.wrapix/log/20260101T000000.000Z-abcd1234.json': '{"torn' } },
  { name: 'log show a foreign-schema record', args: ['log', 'show', 'abcd1234'], code: 2, error: /cannot read session record .*: not a version \d+ session record/, project: { '.wrapix/log/20260101T000000.000Z-abcd1234.json': RECORD_OK } },
  {
    name: 'log show a symlinked record',
    args: ['log', 'show'],
    code: 2,
    error: /cannot read session record .*: a symbolic link, not a record wrapix wrote/,
    setup: async (d) => {
      await mkdir(join(d, '.wrapix/log'), { recursive: true })
      await writeFile(join(d, 'elsewhere.json'), RECORD_OK)
      await symlink(join(d, 'elsewhere.json'), join(d, '.wrapix/log/20260101T000000.000Z-abcd1234.json'))
    },
  },
  { name: 'profile show unknown', args: ['profile', 'show', 'nope'], code: 3, error: /unknown profile "nope"/ },
  { name: '--profile unknown', args: [...DRY, '--profile', 'nope'], code: 3, error: /unknown profile "nope"/ },
  // Config and profile files
  { name: 'a YAML alias bomb', args: ['config'], code: 3, error: /config\.yaml: too many YAML aliases/, project: projectConfig(bomb) },
  { name: 'an oversized user config', args: ['config'], code: 3, error: /cannot read .*config\.yaml: larger than 64 KiB/, home: userConfig(`env:\n${Array.from({ length: 20000 }, (_, i) => `  K${i}: v`).join('\n')}\n`) },
  { name: 'an oversized project profile', args: [...DRY, '--profile', 'big'], code: 3, error: /big\.yaml: larger than 64 KiB/, home: userConfig(`approvedPolicies: []\n`), project: { '.wrapix/profiles/big.yaml': `# ${'x'.repeat(300 * 1024)}\n` } },
  { name: 'config memoryMb: 5', args: ['config'], code: 3, error: /resources\.memoryMb: Too small/i, home: userConfig('resources:\n  memoryMb: 5\n') },
  { name: 'config cpus: 1.0e300', args: ['config'], code: 3, error: /resources\.cpus: Too big/i, home: userConfig('resources:\n  cpus: 1.0e300\n') },
  { name: 'config cpus above the host', args: ['config'], code: 3, error: /config\.yaml: resources\.cpus 1000: more CPUs than this host has/, home: userConfig('resources:\n  cpus: 1000\n') },
  { name: 'config pidsLimit: 0', args: ['config'], code: 3, error: /resources\.pidsLimit: Too small/i, home: userConfig('resources:\n  pidsLimit: 0\n') },
  { name: 'config env HTTPS_PROXY', args: [...DRY], code: 3, error: /env\.HTTPS_PROXY is set by wrapix .*network proxy/, home: userConfig('env:\n  HTTPS_PROXY: http://evil:1\n') },
  { name: 'config invalid YAML', args: ['config'], code: 3, error: /config\.yaml:\d+: invalid YAML/, home: userConfig('a: [\n') },
  { name: 'config unknown field', args: ['config'], code: 3, error: /config\.yaml:1: bondary: unknown field|unknown field "bondary"/, home: userConfig('bondary: container\n') },
  { name: 'config empty', args: ['config'], code: 3, error: /config\.yaml: file is empty/, home: userConfig('\n') },
  { name: 'config is a directory', args: ['config'], code: 3, error: /cannot read .*config\.yaml: is a directory/, setup: async (d) => void (await mkdir(join(d, '.wrapix/config.yaml'), { recursive: true })) },
  { name: 'config upstreamProxy ftp://', args: [...DRY], code: 3, error: /^network\.upstreamProxy: unsupported proxy scheme "ftp"/m, home: userConfig('network:\n  upstreamProxy: ftp://x\n') },
  { name: 'config upstreamProxy in wrapix config', args: ['config'], code: 3, error: /^network\.upstreamProxy: unsupported proxy scheme "ftp"/m, home: userConfig('network:\n  upstreamProxy: ftp://x\n') },
  { name: 'HTTPS_PROXY unparsable', args: [...DRY], env: { HTTPS_PROXY: 'http://[bad' }, code: 3, error: /HTTPS_PROXY: not a proxy URL/ },
  { name: 'config network rule invalid', args: [...DRY], code: 3, error: /invalid network rule "bad host"/, home: userConfig('network:\n  allowedDomains: ["bad host"]\n') },
  { name: 'an unapproved project profile', args: [...DRY, '--profile', 'mine'], code: 5, error: /project profile .*mine\.yaml is not approved/, project: { '.wrapix/profiles/mine.yaml': 'extends: base\n' } },
]

let home: IsolatedHome
let scratch: string
beforeAll(async () => {
  requireBuiltCli()
  home = await isolatedHome()
  scratch = await mkdtemp(join(tmpdir(), 'wrapix-bad-input-'))
})
afterAll(async () => {
  await home.cleanup()
  await rm(scratch, { recursive: true, force: true })
})

/** Every path under `root` with its size and mtime: equal before and after means nothing was written. */
async function snapshot(root: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name)
      const s = await stat(path).catch(() => null)
      out.push(`${path} ${s?.size ?? '-'} ${s?.mtimeMs ?? '-'}`)
      if (entry.isDirectory()) await walk(path)
    }
  }
  await walk(root)
  return out.sort()
}

async function writeFiles(root: string, files: Readonly<Record<string, string>> = {}): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true })
    await writeFile(join(root, rel), content)
  }
}

const env = (homeRoot: string, extra: Readonly<Record<string, string>> = {}) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  LANG: 'C.UTF-8',
  TERM: 'xterm-256color',
  HOME: homeRoot,
  XDG_CONFIG_HOME: join(homeRoot, '.config'),
  XDG_STATE_HOME: join(homeRoot, '.local', 'state'),
  XDG_CACHE_HOME: join(homeRoot, '.cache'),
  XDG_RUNTIME_DIR: join(homeRoot, 'run'),
  ...extra,
})

/** Runs the bin file itself (its shebang, as an installed wrapix runs), never through an extra `node`. */
const runBin = (bin: string, args: readonly string[], cwd: string, extraEnv: Record<string, string>) =>
  execa(bin, args, { cwd, env: extraEnv, extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 })

const STACK = /^\s+at .+[:(]\d+:\d+\)?$|node:internal|\bError: /m

describe.concurrent('bad input', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const root = await mkdtemp(join(scratch, 'case-'))
    const homeRoot = join(root, 'home')
    const project = join(root, 'project')
    await mkdir(join(homeRoot, '.config'), { recursive: true })
    await mkdir(project)
    await writeFiles(homeRoot, c.home)
    await writeFiles(project, c.project)
    await c.setup?.(project)
    const before = await snapshot(root)
    const r = await runBin(WRAPIX_BIN, c.args, project, env(homeRoot, c.env))
    const stderr = String(r.stderr)
    const lines = stderr.split('\n').filter(Boolean)
    expect({ code: r.exitCode, stderr }).toMatchObject({ code: c.code })
    const errorLine = lines.find((l) => l.startsWith('wrapix: '))
    expect(errorLine, stderr).toBeDefined()
    expect(errorLine!.slice('wrapix: '.length)).toMatch(c.error)
    expect(lines.at(-1), stderr).toMatch(/^hint: \S/)
    expect(stderr).not.toMatch(STACK)
    expect(stderr).not.toContain('\x1b[') // stderr is not a terminal here
    expect(String(r.stdout)).toBe('')
    expect(await snapshot(root)).toEqual(before)
  })
})

describe('the shell and the host', () => {
  const caseDir = async (): Promise<{ root: string; homeRoot: string; project: string }> => {
    const root = await mkdtemp(join(scratch, 'case-'))
    const homeRoot = join(root, 'home')
    const project = join(root, 'project')
    await mkdir(join(homeRoot, '.config'), { recursive: true })
    await mkdir(project)
    return { root, homeRoot, project }
  }

  it('a closed stdout ends the program quietly (no EPIPE trace)', async () => {
    const { homeRoot, project } = await caseDir()
    for (const args of ['config --explain', 'profile ls', 'config']) {
      const r = await execa('bash', ['-c', `"$0" ${args} | true; echo "exit=\${PIPESTATUS[0]}" >&2`, WRAPIX_BIN], { cwd: project, env: env(homeRoot), extendEnv: false, reject: false })
      expect(r.stderr).toMatch(/exit=0$/)
      expect(r.stderr).not.toMatch(/EPIPE|at .*:\d+:\d+/)
    }
  })

  it('reads --env-file from process substitution itself (Node does not swallow it)', async () => {
    const { homeRoot, project } = await caseDir()
    const r = await execa('bash', ['-c', `"$0" --dry-run --json --boundary container --env-file <(echo FOO_FROM_PIPE=1)`, WRAPIX_BIN], { cwd: project, env: env(homeRoot), extendEnv: false, reject: false })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toContain('FOO_FROM_PIPE')
  })

  it('a FIFO nobody writes to reads as empty instead of hanging', async () => {
    const { homeRoot, project } = await caseDir()
    await execa('mkfifo', [join(project, 'fifo.env')])
    const r = await runBin(WRAPIX_BIN, ['--dry-run', '--boundary', 'container', '--env-file', 'fifo.env'], project, env(homeRoot))
    expect(r.exitCode, r.stderr).toBe(0)
  })

  it('a deleted current directory is named, not an internal uv_cwd error', async () => {
    const { homeRoot, project } = await caseDir()
    const gone = join(project, 'gone')
    await mkdir(gone)
    const r = await execa('bash', ['-c', 'cd "$1" && rmdir "$1" && exec "$0" config', WRAPIX_BIN, gone], { env: env(homeRoot), extendEnv: false, reject: false })
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(/^wrapix: the current directory no longer exists\nhint: /)
  })

  it('without podman: doctor says not ok and exits 4; a run says podman is missing, before any record', async () => {
    const { homeRoot, project } = await caseDir()
    const bin = join(homeRoot, 'bin')
    await mkdir(bin)
    await symlink(process.execPath, join(bin, 'node'))
    const noPodman = env(homeRoot, { PATH: bin })
    const doctor = await runBin(WRAPIX_BIN, ['doctor', '--json'], project, noPodman)
    expect(doctor.exitCode).toBe(4)
    expect(JSON.parse(doctor.stdout)).toMatchObject({ ok: false })
    const text = await runBin(WRAPIX_BIN, ['doctor'], project, noPodman)
    expect(text.exitCode).toBe(4)
    expect(text.stdout).toContain('podman is not installed')
    const before = await snapshot(project)
    const run = await runBin(WRAPIX_BIN, ['--boundary', 'container', '--image', 'localhost/x:y'], project, noPodman)
    expect(run.exitCode).toBe(4)
    expect(run.stderr).toMatch(/^wrapix: podman is not installed/)
    expect(await snapshot(project)).toEqual(before)
  })

  it('--allow with --network none warns; --agent codex on a profile without codex says what will happen', async () => {
    const { homeRoot, project } = await caseDir()
    const r = await runBin(WRAPIX_BIN, ['--dry-run', '--boundary', 'container', '--network', 'none', '--allow', 'example.com', '--agent', 'codex'], project, env(homeRoot))
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/--allow example\.com has no effect: the network mode is "none"/)
    expect(r.stderr).toMatch(/profile base pins no codex version .* the session will fail to start it/)
  })

  it('NO_COLOR and --no-color keep escape codes out of output meant for a terminal', async () => {
    const { homeRoot, project } = await caseDir()
    for (const [args, extra] of [[['doctor', '--no-color'], {}], [['doctor'], { NO_COLOR: '1' }]] as const) {
      const r = await runBin(WRAPIX_BIN, [...args], project, env(homeRoot, { FORCE_COLOR: '1', ...extra }))
      expect(r.stdout).not.toContain('\x1b[')
    }
    const colored = await runBin(WRAPIX_BIN, ['doctor'], project, env(homeRoot, { FORCE_COLOR: '1' }))
    expect(colored.stdout).toContain('\x1b[') // the control: FORCE_COLOR alone does colour
  })

  it('--help documents the exit codes', async () => {
    const r = await runBin(WRAPIX_BIN, ['--help'], scratch, env(home.root))
    expect(r.exitCode).toBe(0)
    for (const code of ['0 ', '2 ', '3 ', '4 ', '5 ', '124', '125', '130']) expect(r.stdout).toMatch(new RegExp(`^  ${code}`, 'm'))
  })

  it('the side binaries answer --version as themselves', async () => {
    for (const name of ['wrapix-builder', 'setup-deploy-key']) {
      const r = await runBin(join(REPO_ROOT, 'bin', `${name}.js`), ['--version'], scratch, env(home.root))
      expect(r.exitCode).toBe(0)
      expect(r.stdout.trim()).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+$`))
    }
  })
})
