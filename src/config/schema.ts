// zod schemas for every file a user writes: user/project config and profiles. One source of truth:
// types are z.infer'd from here, and `.describe()` texts feed `wrapix config --explain`.
import { z } from 'zod'
import { AGENT_NAMES, BOUNDARIES, BOUNDARY_SETTINGS, NETWORK_MODES } from '../sandbox/plan.js'
import { RESOURCE_BOUNDS } from './values.js'

/** `example.com`, `*.example.com`, optional `:port`; or an IPv4/IPv6 address or CIDR, optional port. */
export const HostRule = z
  .string()
  .min(1)
  .describe('a host name ("example.com"), a wildcard ("*.example.com"), an IP or CIDR; optional ":port"')

/** An image reference as podman takes it: no spaces or newlines (a Containerfile line), no leading "-" (a flag). */
export const ImageRef = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$/, 'must be an image reference like registry.example/name:tag (no spaces, no leading "-")')

export const MountSchema = z.strictObject({
  source: z.string().min(1).describe('host path; ~ is your home directory'),
  dest: z.string().startsWith('/', 'must be an absolute path inside the sandbox').describe('absolute path inside the sandbox'),
  mode: z.enum(['ro', 'rw']).default('ro').describe('ro (default) or rw'),
  optional: z.boolean().default(false).describe('skip this mount when the source does not exist'),
})
export type Mount = z.infer<typeof MountSchema>

export const ResourcesSchema = z.strictObject({
  cpus: z.number().min(RESOURCE_BOUNDS.cpus.min).max(RESOURCE_BOUNDS.cpus.max).optional().describe('CPU limit (default: half the host cores, at least 2)'),
  memoryMb: z.number().int().min(RESOURCE_BOUNDS.memoryMb.min).max(RESOURCE_BOUNDS.memoryMb.max).optional().describe('memory limit in MiB (default 4096)'),
  pidsLimit: z.number().int().min(RESOURCE_BOUNDS.pidsLimit.min).max(RESOURCE_BOUNDS.pidsLimit.max).optional().describe('process limit (default 4096)'),
})

export const NetworkSchema = z.strictObject({
  mode: z.enum(NETWORK_MODES).optional().describe('limit (allowlist through the proxy), open, or none'),
  allowedDomains: z.array(HostRule).default([]).describe('hosts the sandbox may reach (limit mode)'),
  deniedDomains: z.array(HostRule).default([]).describe('hosts the sandbox may never reach; deny wins'),
  upstreamProxy: z.string().min(1).optional().describe("the host's own proxy (http://user:pass@proxy:3128) the host proxy reaches allowed hosts through; user config only (default: HTTPS_PROXY/HTTP_PROXY)"),
})

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name like FOO_BAR')
export const EnvSchema = z.record(EnvName, z.string()).describe('environment variables set in the sandbox')

/** A credential row (see src/network/credentials.ts): the API its value goes to, and in which header. */
export const CredentialEntrySchema = z.strictObject({
  url: z.string().regex(/^https?:\/\/[^\s?#@]+$/, 'must be an http(s) base URL like https://api.example.com/v1').describe('the API base URL the credential belongs to'),
  header: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name like x-api-key').transform((h) => h.toLowerCase()).describe('the request header that carries it'),
  scheme: z.enum(['raw', 'bearer']).default('raw').describe('raw (the value) or bearer ("Bearer VALUE")'),
  baseUrlEnv: EnvName.describe("the agent's variable for the API base URL (set in the sandbox to the proxy's route)"),
})

export const CredentialsSchema = z
  .record(EnvName, z.union([z.enum(['proxy', 'env']), CredentialEntrySchema]))
  .default({})
  .describe('agent credentials: "proxy" (default: the host proxy adds the value), "env" (passed into the sandbox, readable by the agent), or a new table row')

export const PackagesSchema = z.strictObject({
  apt: z.array(z.string().regex(/^[a-z0-9][a-z0-9+.-]*$/, 'must be a Debian package name')).default([]),
  nix: z
    .array(
      z.string().regex(
        /^(?:[A-Za-z_][A-Za-z0-9_'-]*(?:\.[A-Za-z_][A-Za-z0-9_'-]*)*|\/nix\/store\/[0-9a-z]{32}-[A-Za-z0-9+._?=-]+)$/,
        'must be a nixpkgs attribute path like python3Packages.pip, or a /nix/store path',
      ),
    )
    .default([])
    .describe('Nix packages: nixpkgs attribute paths, or store paths (what a wrapix.lib.mkDevShell shell lists)'),
})

/** Agent versions pinned in a profile; an absent agent is not installed. */
export const AgentVersionsSchema = z.strictObject({
  claude: z.string().optional().describe('@anthropic-ai/claude-code version'),
  codex: z.string().optional().describe('@openai/codex version'),
  gemini: z.string().optional().describe('@google/gemini-cli version'),
})

/** The agent's own background traffic (not the work): every kind is off unless a profile sets it to true. */
export const AgentTrafficSchema = z.strictObject({
  autoUpdate: z.boolean().optional().describe("the agent's self-updater (Claude Code: downloads.claude.ai)"),
  pluginMarketplace: z.boolean().optional().describe('installing the official plugin marketplace at start (downloads.claude.ai, github.com)'),
  telemetry: z.boolean().optional().describe('usage metrics sent to the agent vendor'),
  errorReporting: z.boolean().optional().describe('crash and error reports sent to the agent vendor'),
  feedbackSurveys: z.boolean().optional().describe('in-session feedback surveys'),
})
export type AgentTraffic = z.infer<typeof AgentTrafficSchema>

export const ProfileSchema = z.strictObject({
  description: z.string().default(''),
  extends: z.string().optional().describe('profile whose lists and env this one extends'),
  image: ImageRef.optional().describe('use this image instead of building one'),
  baseImage: ImageRef.optional().describe('base image the profile image is built from'),
  packages: PackagesSchema.default({ apt: [], nix: [] }),
  agents: AgentVersionsSchema.default({}),
  env: EnvSchema.default({}),
  mounts: z.array(MountSchema).default([]),
  writableDirs: z.array(z.string().startsWith('/')).default([]).describe('tmpfs directories in the sandbox'),
  network: NetworkSchema.default({ allowedDomains: [], deniedDomains: [] }),
  resources: ResourcesSchema.default({}),
  agentTraffic: AgentTrafficSchema.default({}).describe("the agent's housekeeping traffic; each kind is off unless set to true here"),
  credentials: CredentialsSchema,
})
export type ProfileFile = z.input<typeof ProfileSchema>
export type Profile = z.infer<typeof ProfileSchema>

/** A GitHub Enterprise Server SSH host: origins on it get their deploy key, and its host keys are pinned. */
export const GithubHostSchema = z
  .strictObject({
    host: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i, 'must be a host name like github.example.com')
      .describe('the SSH host name in your origin URLs (git@HOST:owner/repo.git)'),
    knownHosts: z
      .array(z.string().regex(/^\S+ \S+ \S+(?: [^\r\n]*)?$/, 'must be one known_hosts line: "HOST KEYTYPE BASE64"'))
      .min(1, 'pin at least one host key (ssh-keyscan HOST shows them; check them against your admin\'s fingerprints)')
      .describe('the host\'s public keys as known_hosts lines, pinned in the sandbox'),
  })
  .superRefine((value, ctx) => {
    // Each line must name this host ("HOST" or "[HOST]:PORT"), or ssh would never use it for this host.
    const host = value.host.toLowerCase()
    value.knownHosts.forEach((line, i) => {
      const names = (line.split(' ')[0] ?? '').toLowerCase().split(',')
      if (!names.some((n) => n === host || n.startsWith(`[${host}]:`))) {
        ctx.addIssue({ code: 'custom', path: ['knownHosts', i], message: `must start with ${host} or [${host}]:PORT` })
      }
    })
  })

export const KeysConfigSchema = z.strictObject({
  githubHosts: z
    .array(GithubHostSchema)
    .default([])
    .describe('GitHub Enterprise Server hosts whose origins get their deploy key in the sandbox (user config only)'),
})

export const TlsSchema = z.strictObject({
  trustHostCertificates: z
    .boolean()
    .optional()
    .describe("give the sandbox the host's CA bundle (read-only) and point SSL_CERT_FILE and friends at it; default: on when the host trusts CAs the image does not"),
  hostBundle: z.string().min(1).optional().describe("the host's CA bundle (default: the system bundle, e.g. /etc/ssl/certs/ca-certificates.crt)"),
})

export const ConfigSchema = z.strictObject({
  profile: z.string().optional().describe('profile name (base, rust, python, or your own)'),
  agent: z.enum(AGENT_NAMES).optional().describe('agent to start: claude, codex, gemini or shell'),
  boundary: z.enum(BOUNDARY_SETTINGS).optional().describe('auto (default: the strongest this host supports), microvm, gvisor or container'),
  minimumBoundary: z
    .enum(BOUNDARIES)
    .optional()
    .describe('the weakest boundary wrapix may use (microvm, gvisor or container); a project file may only raise it'),
  image: ImageRef.optional().describe('image reference to run instead of the profile image'),
  resources: ResourcesSchema.default({}),
  env: EnvSchema.default({}),
  mounts: z.array(MountSchema).default([]).describe('host paths mounted in the sandbox (a project file needs approval to add any)'),
  network: NetworkSchema.default({ allowedDomains: [], deniedDomains: [] }),
  keys: KeysConfigSchema.default({ githubHosts: [] }),
  tls: TlsSchema.default({}).describe('trusting the host\'s certificate authorities (corporate TLS-inspecting proxies)'),
  credentials: CredentialsSchema,
  log: z
    .strictObject({
      retentionDays: z.number().int().positive().optional().describe('delete session records older than this many days (default 90)'),
    })
    .default({}),
  approvedPolicies: z
    .array(
      z.union([
        z.string().regex(/^sha256:[0-9a-f]{64}$/).describe('an approval from before approvals named their file: no longer applies'),
        z.strictObject({
          file: z.string().startsWith('/', 'must be an absolute path').describe('real path of the approved project file'),
          hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>').describe('sha256 of its approved content'),
        }),
      ]),
    )
    .default([])
    .describe('project files (real path and content hash) the user approved to widen the sandbox (user config only; written by wrapix policy approve)'),
})
export type ConfigFile = z.input<typeof ConfigSchema>
export type Config = z.infer<typeof ConfigSchema>
