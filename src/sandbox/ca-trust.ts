// Trusting the host's certificate authorities (a company's TLS-inspecting proxy): the host's CA bundle,
// read-only in the sandbox, and the variables common TLS clients read pointed at it.
import type { ResolvedSettings } from '../config/settings.js'
import { WrapixError } from '../errors.js'
import type { HostFacts } from '../host/facts.js'
import { mountSourcePath, type PathFacts } from './mounts.js'
import { FILES_ROOT, type PlannedBind } from './plan.js'

export const SANDBOX_CA_BUNDLE = `${FILES_ROOT}/tls/ca-bundle.crt`

/** OpenSSL (curl, python, git), Node, requests, curl, git and pip: each reads its own variable. */
const CA_VARIABLES = ['SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'GIT_SSL_CAINFO', 'PIP_CERT'] as const

/** The host bundle the settings name (explicitly, or the system's), as a path to stat; null when none. */
export function hostCaBundlePath(settings: ResolvedSettings, host: HostFacts, cwd: string): string | null {
  const configured = settings.hostCaBundle.value
  return configured !== null ? mountSourcePath(configured, host.user.home, cwd) : host.caBundle
}

export interface CaTrustPlan {
  readonly binds: readonly PlannedBind[]
  readonly env: Readonly<Record<string, string>>
}

/**
 * `trust` is the user's setting, or (when unset) whether the host trusts CAs the image does not.
 * Asked for and impossible is an error: running without would fail later with a confusing TLS error.
 */
export function planCaTrust(args: { trust: boolean; settings: ResolvedSettings; host: HostFacts; cwd: string; facts: PathFacts }): CaTrustPlan {
  if (!args.trust) return { binds: [], env: {} }
  const path = hostCaBundlePath(args.settings, args.host, args.cwd)
  const where = args.settings.hostCaBundle.file ?? args.settings.trustHostCertificates.file ?? 'tls.trustHostCertificates'
  if (path === null) {
    throw new WrapixError('host', `${where}: trusting the host's certificates needs a CA bundle, and none of the usual system bundles exists`, 'name yours in the user config: tls: { hostBundle: /path/to/ca-bundle.pem }')
  }
  const fact = args.facts[path]
  if (!fact?.exists || fact.isDir) {
    throw new WrapixError('config', `${where}: the host CA bundle ${path} is not a file`, 'fix tls.hostBundle, or turn tls.trustHostCertificates off')
  }
  if (fact.realPath.includes(',')) throw new WrapixError('usage', `the host CA bundle ${fact.realPath} contains a comma`, 'podman cannot mount paths with commas; link it from another path')
  return {
    binds: [{ kind: 'bind', source: fact.realPath, dest: SANDBOX_CA_BUNDLE, readOnly: true }],
    env: Object.fromEntries(CA_VARIABLES.map((name) => [name, SANDBOX_CA_BUNDLE])),
  }
}
