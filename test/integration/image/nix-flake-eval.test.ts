// flake.nix's outputs, wrapix.lib.mkDevShell and the starter template, evaluated offline with nix-instantiate
// against the stub nixpkgs (nixpkgs cannot be fetched here): what each output hands to nixpkgs' builders.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/load.js'
import { parseProfile } from '../../../src/config/profiles.js'
import { which } from '../../../src/host/which.js'
import { REPO_ROOT } from '../../helpers/cli.js'

const nixInstantiate = which('nix-instantiate')
const q = JSON.stringify // absolute paths as Nix strings
const SYSTEMS = ['x86_64-linux', 'aarch64-linux', 'x86_64-darwin', 'aarch64-darwin']

/** Evaluates `body` with `self` (wrapix's flake outputs over the stub nixpkgs), `nixpkgs` and `pkgs` in scope. */
async function evalFlake(body: string): Promise<unknown> {
  const expr = `let
    nixpkgs = import ${q(join(REPO_ROOT, 'test/fixtures/nix/stub-nixpkgs-flake.nix'))};
    self = (import ${q(join(REPO_ROOT, 'flake.nix'))}).outputs { inherit self nixpkgs; };
    pkgs = nixpkgs.legacyPackages.x86_64-linux;
  in ${body}`
  const { stdout } = await execa('nix-instantiate', ['--eval', '--strict', '--json', '--expr', expr])
  return JSON.parse(stdout)
}

const storePath = (name: string) => expect.stringMatching(new RegExp(`^/nix/store/[0-9a-z]{32}-${name}$`))

describe.skipIf(!nixInstantiate)('flake.nix outputs', () => {
  it('every Nix file in the repository parses', async () => {
    const files = (await execa('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.nix'], { cwd: REPO_ROOT })).stdout.split('\n')
    expect(files).toEqual(expect.arrayContaining(['flake.nix', 'nix/dev-shell.nix', 'nix/image.nix', 'templates/default/flake.nix']))
    for (const file of files) await execa('nix-instantiate', ['--parse', join(REPO_ROOT, file)])
  })

  it('packages, apps and the overlay are wrapix, built from package.json for every system', async () => {
    const out = (await evalFlake(`{
      systems = builtins.attrNames self.packages;
      pkg = { inherit (self.packages.x86_64-linux.wrapix.npmArgs) pname version npmBuildScript; main = self.packages.x86_64-linux.wrapix.npmArgs.meta.mainProgram; };
      same = self.packages.aarch64-darwin.default == self.packages.aarch64-darwin.wrapix;
      app = self.apps.x86_64-linux.default;
      overlay = (self.overlays.default pkgs pkgs).wrapix.name;
    }`)) as { systems: string[]; pkg: Record<string, string>; same: boolean; app: { type: string; program: string }; overlay: string }
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version
    expect(out.systems.sort()).toEqual([...SYSTEMS].sort())
    expect(out.pkg).toEqual({ pname: 'wrapix', version, npmBuildScript: 'build', main: 'wrapix' })
    expect(out.same).toBe(true)
    expect(out.app).toEqual({ type: 'app', program: expect.stringMatching(new RegExp(`^/nix/store/[0-9a-z]{32}-wrapix-${version}/bin/wrapix$`)) })
    expect(out.overlay).toBe(`wrapix-${version}`)
  })

  it('the package installs every command package.json names (wrapix, setup-deploy-key, wrapix-builder, ralph when present)', () => {
    const bin = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin
    expect(Object.keys(bin)).toEqual(expect.arrayContaining(['wrapix', 'setup-deploy-key', 'wrapix-builder']))
    if (existsSync(join(REPO_ROOT, 'bin', 'ralph.js'))) expect(bin.ralph).toBe('bin/ralph.js')
    for (const script of Object.values(bin)) expect(existsSync(join(REPO_ROOT, script)), script).toBe(true)
  })

  it("wrapix's own dev shell runs package.json's commands from the checkout", async () => {
    const out = (await evalFlake(`let shell = self.devShells.x86_64-linux.default.shellArgs; in {
      names = map (p: p.name) (builtins.filter (p: p ? text) shell.packages);
      texts = map (p: p.text) (builtins.filter (p: p ? text) shell.packages);
      hook = shell.shellHook;
      linuxOnly = builtins.elem "podman" self.devShells.aarch64-darwin.default.shellArgs.packages;
    }`)) as { names: string[]; texts: string[]; hook: string; linuxOnly: boolean }
    const bin = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin
    expect(out.names.sort()).toEqual(Object.keys(bin).sort())
    expect(out.texts.find((t) => t.includes('/bin/wrapix.js'))).toMatch(/exec \/nix\/store\/\S+-nodejs-20[.\d]*\/bin\/node "\$\{WRAPIX_CHECKOUT:\?[^}]*\}\/bin\/wrapix.js" "\$@"/)
    expect(out.hook).toContain('export WRAPIX_CHECKOUT=')
    expect(out.linuxOnly).toBe(false)
  })

  it('lib.mkDevShell: wrapix and the packages on PATH, the user hook kept, a profile listing the same packages', async () => {
    const out = (await evalFlake(`let shell = self.lib.mkDevShell {
      inherit pkgs;
      packages = [ pkgs.nodejs_22 pkgs.nodejs_20 ];
      profile = "python";
      shellHook = "echo user hook";
      env.EXTRA = "kept";
    }; in {
      args = shell.shellArgs;
      profileJson = builtins.toJSON shell.shellArgs.passthru.wrapixProfile;
    }`)) as { args: Record<string, unknown> & { packages: string[]; passthru: { wrapixProfile: unknown } }; profileJson: string }
    expect(out.args.packages).toEqual([storePath('wrapix-[\\d.]+'), storePath('nodejs-22.12.0'), storePath('nodejs-20.19.0')])
    expect(out.args.shellHook).toBe('echo user hook')
    expect(out.args.env).toEqual({ EXTRA: 'kept' }) // other mkShell arguments pass through
    expect(out.args.WRAPIX_DEVSHELL_PROFILE).toBe('/nix/store/stub-wrapix-devshell-profile.json')
    // The file the shell points wrapix at is a profile wrapix reads: it extends the named profile and lists
    // exactly the shell's packages (by store path), which nix/image.nix puts in the image.
    const profile = parseProfile(out.profileJson, 'devshell.json')
    expect(profile.extends).toBe('python')
    expect(profile.packages.nix).toEqual([out.args.packages[1], out.args.packages[2]])
    expect(profile.packages.apt).toEqual([])
  })

  it('lib.mkDevShell on macOS: the Darwin builds stay out of the Linux image, and the shell says so', async () => {
    const out = (await evalFlake(`let darwin = nixpkgs.legacyPackages.aarch64-darwin; shell = self.lib.mkDevShell {
      pkgs = darwin; packages = [ darwin.nodejs_22 ]; shellHook = "echo user hook";
    }; in { inherit (shell.shellArgs) packages shellHook; profile = shell.shellArgs.passthru.wrapixProfile; }`)) as { packages: string[]; shellHook: string; profile: { extends: string; packages: { nix: string[] } } }
    expect(out.packages).toEqual([storePath('wrapix-[\\d.]+'), storePath('nodejs-22.12.0')])
    expect(out.profile).toMatchObject({ extends: 'base', packages: { nix: [] } })
    expect(out.shellHook).toMatch(/^echo "wrapix: on macOS the sandbox image does not get this shell's packages.*\necho user hook$/s)
  })

  it('templates.default: a flake whose dev shell is mkDevShell, with .envrc and .wrapix/config.yaml', async () => {
    const dir = join(REPO_ROOT, 'templates', 'default')
    expect(readFileSync(join(dir, '.envrc'), 'utf8').trim()).toBe('use flake')
    expect(parseConfig(readFileSync(join(dir, '.wrapix', 'config.yaml'), 'utf8'), 'config.yaml').network.allowedDomains).toEqual([])
    const out = (await evalFlake(`let
      template = self.templates.default;
      outputs = (import (template.path + "/flake.nix")).outputs { inherit nixpkgs; wrapix = self; self = outputs; };
      shell = outputs.devShells.x86_64-linux.default.shellArgs;
    in {
      inherit (template) description;
      path = toString template.path;
      systems = builtins.attrNames outputs.devShells;
      packages = shell.packages;
      profile = shell.passthru.wrapixProfile;
      hook = shell.shellHook;
    }`)) as { description: string; path: string; systems: string[]; packages: string[]; profile: { extends: string; packages: { nix: string[] } }; hook: string }
    expect(out.path).toBe(dir)
    expect(out.description).toMatch(/wrapix/)
    expect(out.systems.sort()).toEqual([...SYSTEMS].sort())
    expect(out.packages[0]).toEqual(storePath('wrapix-[\\d.]+'))
    expect(out.profile.extends).toBe('base')
    expect(out.profile.packages.nix).toEqual(out.packages.slice(1))
    expect(out.profile.packages.nix).toContain(await evalFlake('pkgs.nodejs_22.outPath'))
    expect(out.hook).toContain('wrapix')
  })
})
