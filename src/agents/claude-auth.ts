// Claude Code's credentials in the sandbox. Interactive Claude Code ignores ANTHROPIC_API_KEY until the key is
// approved in ~/.claude.json (`customApiKeyResponses.approved` holds the key's last 20 characters, trimmed);
// `-p` runs never ask. The approval is computed inside the sandbox from the value the sandbox actually
// receives (a real key, or the placeholder the proxy swaps for one), so no part of it is written on the host.

/** Sandbox variables that let Claude Code authenticate without ANTHROPIC_API_KEY or an OAuth token. */
const OTHER_AUTH = ['ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY']

/**
 * Entrypoint lines (POSIX sh) that approve $ANTHROPIC_API_KEY in the seeded config, whose empty
 * `"approved": []` (JSON.stringify's spelling) they fill in. Only a suffix made of
 * characters that need no escaping in JSON or sed is written; anything else leaves Claude Code's own dialog.
 */
export function approveApiKeyLines(configFile: string): string[] {
  return [
    'if [ -n "${ANTHROPIC_API_KEY:-}" ]; then',
    // Claude Code trims the key, then keeps its last 20 characters.
    '  k=$ANTHROPIC_API_KEY; k=${k#"${k%%[![:space:]]*}"}; k=${k%"${k##*[![:space:]]}"}',
    '  while [ "${#k}" -gt 20 ]; do k=${k#?}; done',
    '  case $k in',
    "    ''|*[!A-Za-z0-9._~+/=-]*) echo 'wrapix: ANTHROPIC_API_KEY has unusual characters; approve it in the dialog Claude Code shows' >&2 ;;",
    // sh turns this into: s#"approved": \[\]#"approved": ["<suffix>"]#
    `    *) sed -i "s#\\"approved\\": \\[\\]#\\"approved\\": [\\"$k\\"]#" ${configFile} ;;`,
    '  esac',
    'fi',
  ]
}

/**
 * One line for the user when interactive Claude Code would start without any credential, or null.
 * A warning, not an error: Claude Code can still log in from inside (/login), and Bedrock, Vertex or a
 * gateway token passed with -e are ways in that wrapix does not check.
 */
export function claudeCredentialWarning(sandboxEnvNames: ReadonlySet<string>): string | null {
  const known = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', ...OTHER_AUTH]
  if (known.some((name) => sandboxEnvNames.has(name))) return null
  return 'Claude Code has no credentials: set ANTHROPIC_API_KEY (or CLAUDE_CODE_OAUTH_TOKEN from `claude setup-token`) in your environment, then rerun wrapix'
}
