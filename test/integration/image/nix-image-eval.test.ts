// nix/image.nix evaluated offline with nix-instantiate against a stub nixpkgs, on the exact spec file
// src/image/nix-build.ts writes. (A real Nix build needs nixpkgs, which cannot be fetched here.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { ProfileSchema } from '../../../src/config/schema.js'
import { which } from '../../../src/host/which.js'
import { nixDir, nixImageInput } from '../../../src/image/nix-build.js'
import { imageSpec } from '../../../src/image/spec.js'
import { REPO_ROOT } from '../../helpers/cli.js'

const nixInstantiate = which('nix-instantiate')
if (!nixInstantiate) process.stderr.write('\n[wrapix tests] SKIPPING Nix evaluation: nix-instantiate is missing (apt-get install nix-bin)\n\n')
const work = mkdtempSync(join(tmpdir(), 'wrapix-nix-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe.skipIf(!nixInstantiate)('nix/image.nix', () => {
  it('builds the image from the spec wrapix writes: packages, agents, launchers, labels', async () => {
    const tarball = join(work, 'agent.tgz')
    writeFileSync(tarball, 'verified bytes')
    const profile = ProfileSchema.parse({ packages: { nix: ['ripgrep', 'python3Packages.pip'] }, agents: { claude: '2.1.330', gemini: '0.61.0' } })
    const spec = imageSpec('nixy', profile, { arch: 'x64', localBaseImage: false, nix: true })
    const input = nixImageInput(spec, new Map([['claude', { pkg: 'c', version: '1', path: tarball, integrity: '' }], ['gemini', { pkg: 'g', version: '1', path: tarball, integrity: '' }]]), { pkg: 'n', version: '1', path: tarball, integrity: '' })
    const specFile = join(work, 'spec.json')
    writeFileSync(specFile, JSON.stringify(input))
    const q = JSON.stringify // absolute paths as Nix strings
    const expr = `import ${q(join(nixDir(), 'image.nix'))} { pkgs = import ${q(join(REPO_ROOT, 'test/fixtures/nix/stub-pkgs.nix'))} { }; spec = builtins.fromJSON (builtins.readFile ${q(specFile)}); }`
    const { stdout } = await execa('nix-instantiate', ['--eval', '--strict', '--json', '--expr', expr])
    const image = JSON.parse(stdout) as { name: string; tag: string; contents: string[]; extraCommands: string; config: { Labels: Record<string, string>; Env: string[] } }
    expect(`${image.name}:${image.tag}`).toBe(spec.tag)
    expect(image.contents).toEqual(expect.arrayContaining(['ripgrep', 'pip', 'bash']))
    expect(image.extraCommands).toContain('ln -s /opt/wrapix/agents/claude/package/claude usr/local/bin/claude')
    expect(image.extraCommands).toMatch(/tar -xzf \/nix\/store\/\w+-claude\.tgz -C opt\/wrapix\/agents\/claude/)
    expect(image.extraCommands).toContain("'/opt/wrapix/node/package/bin/node' '/opt/wrapix/agents/gemini/package/bundle/gemini.js'")
    expect(image.extraCommands).toContain('lib64/ld-linux-x86-64.so.2')
    expect(image.config.Labels).toEqual(spec.labels)
    expect(image.config.Env).toContain('HOME=/home/wrapix')
  })

  it("puts a dev shell's package in the image by its store path, next to attribute paths", async () => {
    // A real store path (nix-store --add), as a mkDevShell profile lists it; builtins.storePath needs it to exist.
    const pkgDir = join(work, 'rg-stand-in')
    writeFileSync(pkgDir, '#!/bin/sh\n')
    const added = await execa('nix-store', ['--add', pkgDir], { reject: false })
    const storePath = added.stdout.trim()
    expect(storePath, added.stderr).toMatch(/^\/nix\/store\/[0-9a-z]{32}-rg-stand-in$/)
    const profile = ProfileSchema.parse({ packages: { nix: [storePath, 'ripgrep'] } })
    const spec = imageSpec('shell', profile, { arch: 'x64', localBaseImage: false, nix: true })
    expect(spec.nixPackages).toEqual([storePath, 'ripgrep'])
    const specFile = join(work, 'shell-spec.json')
    writeFileSync(specFile, JSON.stringify(nixImageInput(spec, new Map(), undefined)))
    const q = JSON.stringify
    const expr = `(import ${q(join(nixDir(), 'image.nix'))} { pkgs = import ${q(join(REPO_ROOT, 'test/fixtures/nix/stub-pkgs.nix'))} { }; spec = builtins.fromJSON (builtins.readFile ${q(specFile)}); }).contents`
    const { stdout } = await execa('nix-instantiate', ['--eval', '--strict', '--json', '--expr', expr])
    expect(JSON.parse(stdout)).toEqual(expect.arrayContaining([storePath, 'ripgrep']))
    await execa('nix-store', ['--delete', storePath], { reject: false })
  })

  it('reads the nixpkgs pin from flake.lock', async () => {
    const { stdout } = await execa('nix-instantiate', ['--eval', '--json', '--expr', `(builtins.fromJSON (builtins.readFile ${JSON.stringify(join(REPO_ROOT, 'flake.lock'))})).nodes.nixpkgs.locked.rev`])
    expect(JSON.parse(stdout)).toBe('0726a0ecb6d4e08f6adced58726b95db924cef57')
  })
})
