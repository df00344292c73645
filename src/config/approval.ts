// Project trust: `.wrapix/config.yaml` and `.wrapix/profiles/*` live in the workspace the agent (or a
// hostile commit) can write, so what in them widens the sandbox applies only once the user approved that
// exact content at that exact place. The one gate: resolveSettings(), the network policy and the profile
// loader all ask isApproved(). Pure.
import { createHash } from 'node:crypto'
import type { Config, Profile } from './schema.js'

export const contentHash = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`

/** A project file as loaded: the path it was read at, its real path, and its text. */
export interface ApprovableFile {
  readonly file: string
  readonly realPath: string
  readonly text: string
}

export interface Approval {
  readonly file: string
  readonly hash: string
}

/**
 * What approving `loaded` records, or null when it cannot be approved: a file reached through a
 * symbolic link is someone else's file (an approval of it would then apply in this project too).
 */
export function approvalOf(loaded: ApprovableFile): Approval | null {
  return loaded.realPath === loaded.file ? { file: loaded.realPath, hash: contentHash(loaded.text) } : null
}

export const sameApproval = (a: Approval, b: Approval): boolean => a.file === b.file && a.hash === b.hash

const approvalsIn = (user: Config | null | undefined): Approval[] =>
  (user?.approvedPolicies ?? []).filter((entry): entry is Approval => typeof entry !== 'string')

/** Whether the user config approves this content at this real path. */
export function isApproved(user: Config | null | undefined, loaded: ApprovableFile | null): boolean {
  const wanted = loaded && approvalOf(loaded)
  return wanted !== null && approvalsIn(user).some((a) => sameApproval(a, wanted))
}

/** A hint for a file only a bare content hash (from before approvals named their file) approves. */
export function staleApprovalNote(user: Config | null | undefined, loaded: ApprovableFile | null): string | null {
  if (!loaded || isApproved(user, loaded)) return null
  const legacy = (user?.approvedPolicies ?? []).includes(contentHash(loaded.text))
  return legacy ? `${loaded.file}: its approval names no file and no longer applies; review it and approve again with: wrapix policy approve` : null
}

/** Every setting in a project config that widens the sandbox (what an approval lets through), one line each. */
export function configWidenings(config: Config): string[] {
  return [
    ...(config.image ? [`image: ${config.image}`] : []),
    ...(config.agent ? [`agent: ${config.agent}`] : []),
    ...(config.boundary && config.boundary !== 'microvm' ? [`boundary: ${config.boundary}`] : []),
    ...(config.log.retentionDays !== undefined ? [`log.retentionDays: ${config.log.retentionDays}`] : []),
    ...commonWidenings(config),
  ]
}

/** The same for a project profile (whose every setting applies only once approved). */
export function profileWidenings(profile: Profile): string[] {
  return [
    ...(profile.image ? [`image: ${profile.image}`] : []),
    ...(profile.baseImage ? [`baseImage: ${profile.baseImage}`] : []),
    // What goes into the image that receives credentials (a Nix dev shell's profile lists its store paths).
    ...profile.packages.apt.map((name) => `packages.apt: ${name}`),
    ...profile.packages.nix.map((name) => `packages.nix: ${name}`),
    ...commonWidenings(profile),
    ...Object.entries(profile.resources).map(([key, value]) => `resources.${key}: ${value}`),
  ]
}

function commonWidenings(file: Pick<Config, 'env' | 'mounts' | 'network'>): string[] {
  return [
    ...Object.keys(file.env).map((name) => `env: ${name}`),
    ...file.mounts.map((m) => `mount: ${m.source} → ${m.dest} (${m.mode})`),
    ...(file.network.mode === 'open' ? ['network.mode: open'] : []),
    ...file.network.allowedDomains.map((host) => `allowedDomains: ${host}`),
  ]
}
