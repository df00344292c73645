// The effective network policy of a session: built-in + profile + user + project (narrow only) + flags (pure).
// The mode is not decided here: config/resolve.ts owns it (flags > env > project, narrow only > user > profile).
import { WrapixError } from '../errors.js'
import { contentHash } from '../config/approval.js'
import type { ResolvedProfile } from '../config/profiles.js'
import type { ConfigLayers } from '../config/resolve.js'
import type { Config, Profile } from '../config/schema.js'
import type { ResolvedSettings } from '../config/settings.js'
import type { NetworkMode } from '../sandbox/plan.js'
import { DEFAULT_PORT, parseHostRule } from './host-rule.js'
import type { HostRule, RuleSource } from './host-rule.js'
import { decide } from './policy.js'
import type { Policy } from './policy.js'

/** Always allowed: the agent API and git over HTTPS/SSH. Profiles and config add to it; deny rules can remove it. */
export const BUILT_IN_ALLOW: readonly string[] = ['api.anthropic.com', 'github.com', 'github.com:22', 'ssh.github.com']

export interface PolicyLayers {
  readonly profileName: string
  readonly profile: Pick<Profile, 'network'> | null
  readonly user: { readonly file: string; readonly config: Config } | null
  /**
   * The project file lives in the workspace the agent can write, so it may only narrow unless approved;
   * `approved` is config resolution's answer (ResolvedSettings.projectApproved), not decided again here.
   */
  readonly project: { readonly file: string; readonly config: Config; readonly approved: boolean } | null
  readonly allow: readonly string[] // --allow HOST[:PORT]
  readonly deny: readonly string[] // --deny HOST[:PORT]
  /** The mode resolved by resolveSettings() (config/resolve.ts), which also narrows the project's. */
  readonly mode: NetworkMode
}

export interface EffectivePolicy extends Policy {
  readonly mode: NetworkMode
  /** sha256 of the canonical policy (mode and sorted rules), recorded with the session. */
  readonly digest: string
  /** Whether the project file's content is approved (its allow rules and a wider mode apply). */
  readonly projectApproved: boolean
}

export interface EffectivePolicyResult {
  readonly policy: EffectivePolicy
  readonly warnings: readonly string[]
}

const ruleKey = (r: HostRule): string => {
  const target = r.kind === 'name' ? r.name : r.kind === 'wildcard' ? `*.${r.suffix}` : `${r.range.base.toString(16)}/${r.range.prefix}@${r.range.family}`
  return `${r.kind} ${target} ${r.port ?? '-'}`
}

function dedupe(rules: HostRule[]): HostRule[] {
  const seen = new Set<string>()
  return rules.filter((r) => (seen.has(ruleKey(r)) ? false : (seen.add(ruleKey(r)), true)))
}

function parseAll(texts: readonly string[], source: RuleSource, where: string): HostRule[] {
  return texts.map((t) => parseHostRule(t, source, where))
}

function parseFlags(texts: readonly string[], source: '--allow' | '--deny'): HostRule[] {
  try {
    return parseAll(texts, source, source)
  } catch (err) {
    if (err instanceof WrapixError) throw new WrapixError('usage', err.message, err.hint)
    throw err
  }
}

/** Is everything this allow rule permits already permitted by `policy`? (Then dropping it changes nothing.) */
function alreadyCovered(policy: Policy, rule: HostRule): boolean {
  if (rule.kind === 'name') return decide(policy, rule.name, rule.port ?? DEFAULT_PORT).allowed
  return policy.allow.some((r) => ruleKey(r) === ruleKey(rule))
}

function canonicalPolicy(mode: NetworkMode, policy: Policy): string {
  const keys = (rules: readonly HostRule[]): string[] => [...new Set(rules.map(ruleKey))].sort()
  return JSON.stringify({ mode, allow: keys(policy.allow), deny: keys(policy.deny) })
}

/** The policy layers of a run: its config layers, resolved settings (mode, approval), profile and flags. */
export function policyLayersOf(args: {
  layers: ConfigLayers
  settings: Pick<ResolvedSettings, 'networkMode' | 'projectApproved'>
  profile: Pick<ResolvedProfile, 'name' | 'profile'>
  allow: readonly string[]
  deny: readonly string[]
}): PolicyLayers {
  const { user, project } = args.layers
  return {
    profileName: args.profile.name,
    profile: args.profile.profile,
    user: user && { file: user.file, config: user.value },
    project: project && { file: project.file, config: project.value, approved: args.settings.projectApproved },
    allow: args.allow,
    deny: args.deny,
    mode: args.settings.networkMode.value,
  }
}

export function effectivePolicy(layers: PolicyLayers): EffectivePolicyResult {
  const warnings: string[] = []
  const profileSource: RuleSource = `profile ${layers.profileName}`
  const profileWhere = `profile ${layers.profileName}`
  const trustedAllow: HostRule[] = [
    ...parseAll(BUILT_IN_ALLOW, 'built-in', 'built-in allowlist'),
    ...parseAll(layers.profile?.network.allowedDomains ?? [], profileSource, profileWhere),
    ...parseAll(layers.user?.config.network.allowedDomains ?? [], 'user config', layers.user?.file ?? 'user config'),
  ]
  const deny: HostRule[] = [
    ...parseAll(layers.profile?.network.deniedDomains ?? [], profileSource, profileWhere),
    ...parseAll(layers.user?.config.network.deniedDomains ?? [], 'user config', layers.user?.file ?? 'user config'),
  ]

  const project = layers.project
  const approved = project?.approved ?? false
  if (project) {
    deny.push(...parseAll(project.config.network.deniedDomains, 'project config', project.file))
    const projectAllow = parseAll(project.config.network.allowedDomains, 'project config', project.file)
    if (approved) trustedAllow.push(...projectAllow)
    else {
      const base: Policy = { allow: trustedAllow, deny: [] }
      for (const rule of projectAllow.filter((r) => !alreadyCovered(base, r))) {
        warnings.push(`${project.file}: ignoring allowedDomains "${rule.text}" (a project file may only narrow the policy); approve this file with: wrapix policy approve`)
      }
    }
    if (project.config.approvedPolicies.length > 0) {
      warnings.push(`${project.file}: ignoring approvedPolicies (only your user config can approve a policy)`)
    }
  }

  const policy: Policy = {
    allow: dedupe([...trustedAllow, ...parseFlags(layers.allow, '--allow')]),
    deny: dedupe([...deny, ...parseFlags(layers.deny, '--deny')]),
  }
  const digest = contentHash(canonicalPolicy(layers.mode, policy))
  return { policy: { ...policy, mode: layers.mode, digest, projectApproved: approved }, warnings }
}
