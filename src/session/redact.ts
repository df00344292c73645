// Masks secrets in anything wrapix writes or prints: records, audit lines, errors, verbose and --dry-run
// output. Known secret values are masked wherever they occur, and so are strings shaped like secrets.

export type Redact = (text: string) => string

const BULLETS = '••••'
/** Values shorter than this are masked entirely (showing 4 of 7 characters would reveal too much). */
const MIN_PARTIAL = 8
/** Shorter given values are ignored: masking "abc" everywhere would destroy the text and hide nothing. */
const MIN_VALUE = 4

/** `••••` + the last 4 characters, or only `••••` for short secrets. */
export function maskSecret(secret: string): string {
  return secret.length < MIN_PARTIAL ? BULLETS : BULLETS + secret.slice(-4)
}

// Each pattern captures the secret in the group named `s`; text around it (a header name) stays.
// Token shapes must start at a word boundary, so `task-…` is not taken for an OpenAI `sk-…` key.
const SHAPES: readonly RegExp[] = [
  /(?<![A-Za-z0-9])(?<s>sk-ant-[A-Za-z0-9_-]{8,})/g, // Anthropic API keys and OAuth tokens
  /(?<![A-Za-z0-9])(?<s>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,})/g, // OpenAI
  /(?<![A-Za-z0-9])(?<s>AIza[0-9A-Za-z_-]{35})/g, // Google API keys
  /(?<![A-Za-z0-9])(?<s>(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,})/g, // GitHub tokens
  /(?<![A-Za-z0-9])(?<s>github_pat_[A-Za-z0-9_]{20,})/g, // GitHub fine-grained tokens
  /(?<![A-Za-z0-9])(?<s>(?:AKIA|ASIA)[0-9A-Z]{16})(?![0-9A-Z])/g, // AWS access key ids
  /(?<![A-Za-z0-9])(?<s>xox[abposr]-[A-Za-z0-9-]{10,})/g, // Slack tokens
  // Header values, also in JSON or curl spelling: `Authorization: Bearer x`, `"x-api-key":"x"`.
  /\b(?:authorization|proxy-authorization)["']?\s*[:=]\s*["']?(?:bearer|basic|token)\s+(?<s>[^\s"',;]+)/gi,
  /\bx-api-key["']?\s*[:=]\s*["']?(?<s>[^\s"',;]+)/gi,
  /\bbearer\s+(?<s>[A-Za-z0-9._~+/=-]{12,})/gi,
  /(?<![A-Za-z0-9_-])(?<s>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/g, // JWTs
  /(?<![A-Za-z0-9])(?<s>glpat-[A-Za-z0-9_-]{20,})/g, // GitLab personal access tokens
  /(?<![A-Za-z0-9])(?<s>npm_[A-Za-z0-9]{36,})/g, // npm tokens
  /(?<![A-Za-z0-9])(?<s>(?:sk|rk|pk)_live_[A-Za-z0-9]{16,})/g, // Stripe live keys
  /(?<![A-Za-z0-9])(?<s>hf_[A-Za-z0-9]{30,})/g, // Hugging Face tokens
  /(?<![A-Za-z0-9])(?<s>ya29\.[A-Za-z0-9_-]{20,})/g, // Google OAuth access tokens
  // AWS secret access keys: named, or 40 base64 characters with upper, lower and a digit (a git SHA is hex).
  /\baws_secret_access_key["']?\s*[:=]\s*["']?(?<s>[A-Za-z0-9/+=]{16,})/gi,
  /(?<![A-Za-z0-9/+=])(?<s>(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[0-9])[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g,
  // user:password@ in URLs: the password goes.
  /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:(?<s>[^/\s@]+)@/gi,
  // Secret-named query and form parameters.
  /(?:[?&;\s]|^)(?:access_token|refresh_token|id_token|token|api_key|apikey|client_secret|secret|password|passwd|pwd|sig|signature|auth)=(?<s>[^&\s"'#]{6,})/gim,
]

// A URL-encoded secret (`sk%2Dant%2D…`) hides from the shapes above: runs with %XX escapes are decoded,
// and masked whole when the decoded text holds a secret.
const ENCODED_RUN = /[A-Za-z0-9%._~+-]*%[0-9A-Fa-f]{2}[A-Za-z0-9%._~+-]*/g

function maskEncoded(text: string): string {
  return text.replace(ENCODED_RUN, (run) => {
    let decoded: string
    try {
      decoded = decodeURIComponent(run)
    } catch {
      return run
    }
    return decoded !== run && maskShapes(decoded) !== decoded ? maskSecret(run) : run
  })
}

// Private keys (PEM and OpenSSH): the body is masked, the armour lines stay so a reader knows what it was.
// A block cut off before its END line (truncated output) is masked to the end of the base64 run.
const PRIVATE_KEY =
  /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)([\s\S]*?)(-----END [A-Z0-9 ]*PRIVATE KEY-----|$(?![\s\S]))/g

function maskPrivateKeys(text: string): string {
  return text.replace(PRIVATE_KEY, (_all, begin: string, body: string, end: string) => {
    const compact = body.replace(/\\n|\s/g, '')
    return compact.length === 0 ? `${begin}${body}${end}` : `${begin}${maskSecret(compact)}${end}`
  })
}

function maskShapes(text: string): string {
  let out = text
  for (const shape of SHAPES) {
    out = out.replace(shape, (...args: unknown[]) => {
      const match = args[0] as string
      const groups = args[args.length - 1] as { s: string }
      const offset = match.lastIndexOf(groups.s)
      // Already masked (`••••abcd`) or a placeholder: leave it.
      if (groups.s.startsWith(BULLETS)) return match
      return match.slice(0, offset) + maskSecret(groups.s) + match.slice(offset + groups.s.length)
    })
  }
  return out
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * A redactor for the given secret values (credentials passed with -e or from the environment, key
 * material) plus every secret-shaped string. Longer values are masked first, so a value containing
 * another is masked whole.
 */
export function createRedactor(secretValues: readonly string[] = []): Redact {
  const values = [...new Set(secretValues.filter((v) => v.length >= MIN_VALUE))].sort((a, b) => b.length - a.length)
  const given = values.length > 0 ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : undefined
  return (text: string): string => {
    if (text.length === 0) return text
    let out = given ? text.replace(given, (m) => maskSecret(m)) : text
    out = maskPrivateKeys(out)
    return maskShapes(maskEncoded(out))
  }
}

/** Masks only secret-shaped strings (no known values): for places that have no redactor at hand. */
export const redactSecretShapes: Redact = createRedactor([])

/** Applies `redact` to every string (and object key) in a JSON-like value; returns a new value. */
export function redactDeep<T>(value: T, redact: Redact = redactSecretShapes): T {
  return walk(value, redact) as T
}

function walk(value: unknown, redact: Redact): unknown {
  if (typeof value === 'string') return redact(value)
  if (Array.isArray(value)) return value.map((v) => walk(v, redact))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[redact(k)] = walk(v, redact)
    return out
  }
  return value
}
