// The sandbox environment: never the host's; a short passthrough list, profile/config env and -e values.
import { WrapixError } from '../errors.js'
import type { ResolvedSettings } from '../config/settings.js'
import type { CredentialPlan } from './credential-plan.js'
import type { Backend } from './plan.js'

const RESERVED = new Set(['IS_SANDBOX', 'WRAPIX_SESSION_ID', 'HOME', 'USER'])

/**
 * Names podman itself, its helpers or the host's dynamic loader obey. Values travel in podman's own
 * environment (never argv), so these must not: LD_PRELOAD there would run a file on the host, and
 * CONTAINERS_CONF would reconfigure podman. Their values go on argv (they are paths and settings).
 */
const HOST_PROCESS_ENV = /^(?:LD_|CONTAINERS_|_CONTAINERS_|PODMAN_|BUILDAH_|STORAGE_|CONMON_|XDG_|GO[A-Z]|SSL_CERT_|DOCKER_|DBUS_|LISTEN_)|^(?:PATH|TMPDIR|TZ|NOTIFY_SOCKET|REGISTRY_AUTH_FILE|(?:https?|no|all)_proxy|(?:HTTPS?|NO|ALL)_PROXY)$/
export const obeyedByPodman = (name: string): boolean => HOST_PROCESS_ENV.test(name)
/** Apple's `container` (apple/container 1.2.2) also reads CONTAINER_DEBUG, CONTAINER_DEFAULT_PLATFORM and SSH_AUTH_SOCK; DYLD_ is macOS's LD_. */
const APPLE_PROCESS_ENV = /^(?:CONTAINER_|DYLD_)|^SSH_AUTH_SOCK$/
export const obeyedByRuntime = (name: string, backend: Backend = 'podman'): boolean =>
  obeyedByPodman(name) || (backend === 'apple-container' && APPLE_PROCESS_ENV.test(name))
const FALLBACK_IDENTITY = { name: 'Wrapix Sandbox', email: 'sandbox@wrapix.dev' }

export interface GitIdentity {
  readonly name?: string
  readonly email?: string
}

export function planEnv(args: {
  settings: ResolvedSettings
  flagEnvNames: readonly string[]
  hostEnv: Readonly<Record<string, string | undefined>>
  agentEnv: Readonly<Record<string, string>>
  networkEnv: Readonly<Record<string, string>>
  /** Agent credentials: placeholders and base URLs, names passed by value, -e names taken over. */
  credentials: Pick<CredentialPlan, 'env' | 'byValue' | 'consumed'>
  git: GitIdentity
  sessionId: string
  user: { name: string; home: string }
  tty: boolean
  /** Which program gets the secret values in its environment (and so which names it must not be given). */
  backend?: Backend
}): { env: Record<string, string>; secretNames: string[] } {
  // Configured and passed values travel in podman's environment (`--env NAME`), never its argv (ps, --dry-run,
  // records); only wrapix's own settings, and the names podman obeys (see HOST_PROCESS_ENV), are on argv.
  const { settings, hostEnv, credentials } = args
  const consumed = new Set(credentials.consumed)
  const flagNames = new Set(args.flagEnvNames)
  // The proxy variables are how the sandbox reaches the network through wrapix's policy: replacing them
  // would only break the network (or aim the agent at a proxy of the project's choosing).
  const why = (name: string): string =>
    name in args.networkEnv ? ` (it points the sandbox at wrapix's network proxy, which enforces the allowlist)` : ''
  const reserved = (name: string): boolean => RESERVED.has(name) || name in args.networkEnv
  for (const name of [...flagNames, ...settings.passEnv]) {
    if (reserved(name)) throw new WrapixError('usage', `-e ${name}: ${name} is set by wrapix and cannot be changed${why(name)}`, `remove -e ${name}`)
  }
  const configured: Record<string, string> = {}
  for (const [name, sourced] of Object.entries(settings.env)) {
    if (reserved(name)) throw new WrapixError('config', `${sourced.file ?? sourced.source}: env.${name} is set by wrapix and cannot be changed${why(name)}`, `remove env.${name}`)
    if (!flagNames.has(name) && !consumed.has(name) && !(name in credentials.env)) configured[name] = sourced.value
  }
  for (const name of settings.passEnv) {
    if (hostEnv[name] === undefined) throw new WrapixError('usage', `-e ${name}: ${name} is not set in your environment`, `set it first, or pass a value: -e ${name}=VALUE`)
  }
  const name = args.git.name || FALLBACK_IDENTITY.name
  const email = args.git.email || FALLBACK_IDENTITY.email
  const env: Record<string, string> = {
    LANG: 'C.UTF-8',
    ...(args.tty ? { TERM: hostEnv.TERM || 'xterm-256color' } : {}),
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
    ...args.agentEnv,
    ...args.networkEnv,
    ...configured,
    ...credentials.env,
    HOME: args.user.home,
    USER: args.user.name,
    IS_SANDBOX: '1',
    WRAPIX_SESSION_ID: args.sessionId,
  }
  const secretNames = [...credentials.byValue, ...settings.passEnv, ...flagNames, ...Object.keys(configured)]
    .filter((name) => !obeyedByRuntime(name, args.backend) && !consumed.has(name))
  for (const secret of secretNames) delete env[secret]
  for (const name of [...flagNames, ...settings.passEnv]) {
    if (obeyedByRuntime(name, args.backend)) env[name] = flagNames.has(name) ? (settings.env[name]?.value ?? '') : (hostEnv[name] ?? '')
  }
  return { env, secretNames: [...new Set(secretNames)] }
}
