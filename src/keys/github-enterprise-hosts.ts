// GitHub Enterprise Server SSH hosts from the user config, turned into what a session's ssh setup needs (pure).
import type { z } from 'zod'
import type { ConfigLayers } from '../config/resolve.js'
import type { GithubHostSchema } from '../config/schema.js'
import { GITHUB_SSH_HOSTS } from './github-remote.js'

export type GithubEnterpriseHost = z.infer<typeof GithubHostSchema>

export interface EnterpriseHosts {
  readonly hosts: readonly GithubEnterpriseHost[]
  /** Said once before launch, e.g. that a project file tried to add hosts. */
  readonly notices: readonly string[]
}

/**
 * Only the user config counts: the project config lives in the workspace the agent can write, and a host
 * listed here decides where the deploy key is offered and which host keys are trusted.
 */
export function enterpriseHostsFrom(layers: ConfigLayers): EnterpriseHosts {
  const hosts = layers.user?.value.keys.githubHosts ?? []
  const ignored = layers.project?.value.keys.githubHosts.length ?? 0
  const notices = ignored > 0 && layers.project
    ? [`${layers.project.file}: ignoring keys.githubHosts (only your user config can add GitHub Enterprise hosts)`]
    : []
  return { hosts, notices }
}

/** The Host patterns the deploy key is used for and the extra pinned host keys: GitHub's plus the configured ones. */
export function sshHostOptions(hosts: readonly GithubEnterpriseHost[]): { hosts: string[]; extraKnownHosts: string[] } {
  const names = [...GITHUB_SSH_HOSTS, ...hosts.map((h) => h.host.toLowerCase())]
  return { hosts: [...new Set(names)], extraKnownHosts: hosts.flatMap((h) => h.knownHosts) }
}
