// What a session needs for git over SSH with a deploy key (pure): read-only key mounts at /etc/wrapix/keys,
// an ssh config with GitHub's pinned host keys, and git config (ssh commit signing) passed through the env.
import { WrapixError } from '../errors.js'
import { GITHUB_KNOWN_HOSTS } from './github-host-keys.js'

export const SANDBOX_KEYS_DIR = '/etc/wrapix/keys'
export const SANDBOX_SSH_DIR = '/etc/wrapix/ssh'
export const SANDBOX_SSH_CONFIG = `${SANDBOX_SSH_DIR}/config`
export const SANDBOX_KNOWN_HOSTS = `${SANDBOX_SSH_DIR}/known_hosts`
export const SANDBOX_ALLOWED_SIGNERS = `${SANDBOX_SSH_DIR}/allowed_signers`
const DEPLOY_KEY = `${SANDBOX_KEYS_DIR}/deploy_key`
const SIGNING_KEY = `${SANDBOX_KEYS_DIR}/signing_key`

/** One repository's keys on the host, as found by findSessionKeys(). Paths only; no key material. */
export interface SessionKeys {
  readonly name: string
  readonly repository: string // owner/repo
  readonly deployKey: string // host path of the private deploy key
  readonly deployPublicKey: string
  readonly signingKey: string | null // host path of the private signing key
  readonly signingPublicKey: string | null
  readonly signingPublicKeyLine: string | null // "ssh-ed25519 AAAA… comment", for allowed_signers
  readonly warnings: readonly string[] // e.g. the key is older than 90 days
}

export interface SessionKeyPlanOptions {
  readonly gitSign: boolean // false when WRAPIX_GIT_SIGN=0
  /** limit mode: how ssh reaches GitHub through wrapix's proxy (src/network/ssh-proxy-command.ts). */
  readonly proxyCommand?: string
  /** Host patterns the key is used for: GitHub's SSH hosts unless GitHub Enterprise hosts are configured. */
  readonly hosts?: readonly string[]
  /** known_hosts lines pinned next to GitHub's (the configured Enterprise hosts' keys). */
  readonly extraKnownHosts?: readonly string[]
}

export interface SessionKeyMount {
  readonly source: string
  readonly dest: string
  readonly readOnly: true
  readonly kind: 'bind'
}

export interface SessionKeyPlanParts {
  readonly mounts: SessionKeyMount[]
  readonly env: Record<string, string>
  readonly files: { dest: string; content: string; mode: number }[]
  /** The git config carried in env as GIT_CONFIG_COUNT/KEY_n/VALUE_n, for a caller that merges its own. */
  readonly gitConfig: (readonly [string, string])[]
}

/** WRAPIX_GIT_SIGN=0 (or false/no/off) turns commit signing off; anything else leaves it on. */
export const gitSignEnabled = (env: Readonly<Record<string, string | undefined>>): boolean =>
  !['0', 'false', 'no', 'off'].includes((env.WRAPIX_GIT_SIGN ?? '').trim().toLowerCase())

/** GIT_CONFIG_COUNT/GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n for `pairs` (git ≥ 2.31 reads these). */
export function gitConfigEnv(pairs: readonly (readonly [string, string])[]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) }
  pairs.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key
    env[`GIT_CONFIG_VALUE_${i}`] = value
  })
  return env
}

/** The ssh_config text: only the deploy key, only pinned host keys, never an agent or a password. */
export function sessionSshConfig(opts: Pick<SessionKeyPlanOptions, 'proxyCommand' | 'hosts'>, repository: string): string {
  if (opts.proxyCommand !== undefined && /[\r\n]/.test(opts.proxyCommand)) {
    throw new WrapixError('internal', 'the ssh ProxyCommand must be one line', 'report this as a wrapix bug')
  }
  const hosts = opts.hosts ?? ['github.com', 'ssh.github.com']
  return [
    `# Written by wrapix: the deploy key for ${repository} and GitHub's pinned host keys.`,
    `Host ${hosts.join(' ')}`,
    '  User git',
    `  IdentityFile ${DEPLOY_KEY}`,
    '  IdentitiesOnly yes',
    '  IdentityAgent none',
    `  UserKnownHostsFile ${SANDBOX_KNOWN_HOSTS}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  UpdateHostKeys no',
    '  BatchMode yes',
    '  PasswordAuthentication no',
    '  KbdInteractiveAuthentication no',
    // Every host goes through the proxy, not only the deploy key's: this file replaces the proxy-only one.
    ...(opts.proxyCommand ? ['', 'Host *', `  ProxyCommand ${opts.proxyCommand}`] : []),
    '',
  ].join('\n')
}

export function sessionKeyPlanParts(keys: SessionKeys, opts: SessionKeyPlanOptions): SessionKeyPlanParts {
  const sign = opts.gitSign && keys.signingKey !== null && keys.signingPublicKey !== null && keys.signingPublicKeyLine !== null
  const bind = (source: string, dest: string): SessionKeyMount => ({ source, dest, readOnly: true, kind: 'bind' })
  const mounts = [bind(keys.deployKey, DEPLOY_KEY), bind(keys.deployPublicKey, `${DEPLOY_KEY}.pub`)]
  const files = [
    { dest: SANDBOX_SSH_CONFIG, content: sessionSshConfig(opts, keys.repository), mode: 0o644 },
    { dest: SANDBOX_KNOWN_HOSTS, content: `${[...GITHUB_KNOWN_HOSTS, ...(opts.extraKnownHosts ?? [])].join('\n')}\n`, mode: 0o644 },
  ]
  const gitConfig: (readonly [string, string])[] = []
  if (sign) {
    mounts.push(bind(keys.signingKey as string, SIGNING_KEY), bind(keys.signingPublicKey as string, `${SIGNING_KEY}.pub`))
    // "*": git verifies against the committer's email, which the sandbox may set; the key is what matters.
    files.push({ dest: SANDBOX_ALLOWED_SIGNERS, content: `* namespaces="git" ${keys.signingPublicKeyLine}\n`, mode: 0o644 })
    gitConfig.push(
      ['gpg.format', 'ssh'],
      ['user.signingkey', SIGNING_KEY],
      ['gpg.ssh.allowedSignersFile', SANDBOX_ALLOWED_SIGNERS],
      ['commit.gpgsign', 'true'],
      ['tag.gpgsign', 'true'],
    )
  } else {
    gitConfig.push(['commit.gpgsign', 'false'], ['tag.gpgsign', 'false'])
  }
  const env = {
    GIT_SSH_COMMAND: `ssh -F ${SANDBOX_SSH_CONFIG}`,
    WRAPIX_DEPLOY_KEY: keys.name,
    ...gitConfigEnv(gitConfig),
  }
  return { mounts, env, files, gitConfig }
}
