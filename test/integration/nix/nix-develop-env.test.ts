// wrapix started from a `nix develop` shell (here: an environment with the variables and PATH such a shell
// sets, including a mkDevShell's WRAPIX_DEVSHELL_PROFILE) behaves as outside: the shell's profile is used only
// once approved on the host, and none of the shell's variables reach the sandbox (real podman, `env -0`).
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runWrapix } from '../../helpers/cli.js'
import { requirePodman } from '../../helpers/podman.js'
import { parseEnv, RUNNABLE_BOUNDARIES, runInSandbox, useSandboxProject } from '../../helpers/sandbox.js'

const podman = await requirePodman()
const STORE_PACKAGE = '/nix/store/0a1b2c3d4e5f6g7h8i9j0k1l2m3n4p5q-ripgrep-14.1.1'

describe.skipIf(!podman)('wrapix from a nix develop shell', () => {
  const ctx = useSandboxProject('each')
  const marker = `nixshell-${randomBytes(6).toString('hex')}`
  let shellTmp: string
  let profileFile: string
  beforeAll(async () => {
    shellTmp = await mkdtemp(join(tmpdir(), 'nix-shell-'))
    // What nix/dev-shell.nix writes: extends a profile, packages by store path.
    profileFile = join(shellTmp, 'wrapix-devshell-profile.json')
    await writeFile(profileFile, JSON.stringify({ description: 'the packages of a nix develop shell', extends: 'base', packages: { nix: [STORE_PACKAGE] } }))
  })
  afterAll(() => rm(shellTmp, { recursive: true, force: true }))

  /** The variables `nix develop` exports (from the shell derivation's env), each carrying the marker. */
  const nixShellEnv = (): Record<string, string> => {
    const store = `/nix/store/${marker.padEnd(32, '0').slice(0, 32)}`
    return {
      IN_NIX_SHELL: 'impure',
      NIX_BUILD_TOP: shellTmp,
      NIX_BUILD_CORES: '2',
      NIX_STORE: '/nix/store',
      NIX_CFLAGS_COMPILE: `-isystem ${store}-zlib-dev/include ${marker}`,
      NIX_LDFLAGS: `-L${store}-zlib/lib ${marker}`,
      NIX_ENFORCE_PURITY: '1',
      NIX_SSL_CERT_FILE: `${store}-cacert/etc/ssl/certs/ca-bundle.crt`,
      NIX_GCROOT: `${store}-${marker}-env`,
      buildInputs: `${store}-nodejs-22 ${store}-ripgrep`,
      nativeBuildInputs: `${store}-pkg-config-${marker}`,
      propagatedBuildInputs: '',
      shellHook: `echo ${marker}`,
      out: `${shellTmp}/outputs/out`,
      stdenv: `${store}-stdenv-linux`,
      builder: `${store}-bash/bin/bash`,
      name: `nix-shell-${marker}`,
      system: 'x86_64-linux',
      CONFIG_SHELL: `${store}-bash/bin/bash`,
      HOST_PATH: `${store}-coreutils/bin`,
      SOURCE_DATE_EPOCH: '315532800',
      TMPDIR: shellTmp,
      TMP: shellTmp,
      TEMP: shellTmp,
      TEMPDIR: shellTmp,
      WRAPIX_DEVSHELL_PROFILE: profileFile,
      // The long PATH: the shell's packages first, then the user's own.
      PATH: [`${store}-nodejs-22/bin`, `${store}-ripgrep/bin`, `${store}-${marker}/bin`, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
    }
  }

  it('refuses the shell profile until it is approved, naming the approval command', async () => {
    const result = await runInSandbox('container', ctx.project.dir, ['true'], { home: ctx.home, env: nixShellEnv(), cwd: ctx.project.dir })
    expect(result.exitCode, result.stderr).toBe(5)
    expect(result.stderr).toContain(`wrapix policy approve ${profileFile}`)
  })

  it.each(RUNNABLE_BOUNDARIES)('once approved, nothing of the shell reaches the sandbox (%s)', async (boundary) => {
    const approve = await runWrapix(['policy', 'approve', profileFile], { home: ctx.home, cwd: ctx.project.dir, env: nixShellEnv() })
    expect(approve.exitCode, approve.stderr).toBe(0)
    expect(approve.stdout).toContain(`packages.nix: ${STORE_PACKAGE}`) // the approval shows what the image will hold
    const result = await runInSandbox(boundary, ctx.project.dir, ['env', '-0'], { home: ctx.home, env: nixShellEnv(), cwd: ctx.project.dir })
    expect(result.exitCode, result.stderr).toBe(0)
    const env = parseEnv(result.stdout)
    const shellNames = Object.keys(nixShellEnv()).filter((name) => name !== 'PATH')
    expect(shellNames.filter((name) => name in env)).toEqual([])
    expect(env.PATH).not.toContain('/nix/store') // the image's own PATH, not the shell's
    const leaked = Object.entries(env).filter(([, value]) => value.includes(marker) || value.includes(shellTmp))
    expect(leaked).toEqual([])
    expect(result.stdout + result.stderr).not.toContain(marker)
  })
})
