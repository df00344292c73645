import { describe, expect, it } from 'vitest'
import { BUILTIN_PROFILES_DIR, loadProfile } from '../../../src/config/profiles.js'
import { ProfileSchema } from '../../../src/config/schema.js'
import { LOCAL_BASE_IMAGE, imageSpec, type ImagePlatform } from '../../../src/image/spec.js'

const platform: ImagePlatform = { arch: 'x64', localBaseImage: true, nix: false }
const builtin = (name: string) => imageSpec(name, loadProfile(name, { builtin: BUILTIN_PROFILES_DIR }).profile, platform)
const lines = (text: string) => text.split('\n')
const aptLine = (containerfile: string) => lines(containerfile).find((l) => l.includes('apt-get install')) ?? ''
const aptPackages = (containerfile: string) => aptLine(containerfile).replace(/.*--no-install-recommends /, '').replace(/ \\$/, '').split(' ')

describe('Containerfile for the built-in profiles', () => {
  it('base: FROM the local Debian base, the everyday tools, and Claude Code from the verified tarball', () => {
    const file = builtin('base').containerfile
    expect(lines(file)).toContain(`FROM ${LOCAL_BASE_IMAGE}`)
    expect(aptLine(file)).toContain('apt-get install -y --no-install-recommends')
    expect(aptPackages(file)).toEqual(expect.arrayContaining(['git', 'ripgrep', 'fd-find', 'jq', 'curl', 'openssh-client', 'less', 'tmux', 'ca-certificates', 'netcat-openbsd']))
    expect(lines(file)).toContain('ADD agents/claude.tgz /opt/wrapix/agents/claude/')
    expect(file).toContain('ln -s /opt/wrapix/agents/claude/package/claude /usr/local/bin/claude')
    expect(file).not.toMatch(/npm (install|i) /) // nothing is fetched from npm inside the build
  })

  it('rust: adds a current Rust toolchain and sccache to the base packages', () => {
    const packages = aptPackages(builtin('rust').containerfile)
    expect(packages).toEqual(expect.arrayContaining(['rustc-web', 'cargo-web', 'sccache', 'git', 'ripgrep']))
  })

  it('python: adds python3, pip, venv and pipx', () => {
    expect(aptPackages(builtin('python').containerfile)).toEqual(expect.arrayContaining(['python3', 'python3-pip', 'python3-venv', 'pipx']))
  })

  it('makes the sandbox home and /workspace without baking in a user', () => {
    const file = builtin('base').containerfile
    expect(file).toContain('mkdir -p /home/wrapix /workspace')
    expect(file).toContain('chmod 1777 /home/wrapix')
    expect(file).not.toMatch(/useradd|adduser|^USER /m)
    expect(lines(file)).toContain('WORKDIR /workspace')
  })

  it('starts Gemini CLI with the pinned node through a launcher script, Codex as its native binary', () => {
    const profile = ProfileSchema.parse({ agents: { gemini: '0.61.0', codex: '0.169.0' } })
    const file = imageSpec('js', profile, platform).containerfile
    expect(lines(file)).toContain('ADD node/node.tgz /opt/wrapix/node/')
    expect(file).toContain("exec /opt/wrapix/node/package/bin/node /opt/wrapix/agents/gemini/package/bundle/gemini.js \"$@\"")
    expect(file).toContain('ln -s /opt/wrapix/agents/codex/package/vendor/x86_64-unknown-linux-musl/bin/codex /usr/local/bin/codex')
  })

  it('installs only the sandbox network relay (socat) when the profile lists no apt packages', () => {
    const spec = imageSpec('bare', ProfileSchema.parse({}), platform)
    expect(spec.aptPackages).toEqual(['socat'])
    expect(spec.containerfile).toContain('apt-get install -y --no-install-recommends socat')
  })
})
