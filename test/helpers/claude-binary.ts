// The real Claude Code binary for e2e tests: installed once from the npm registry into a host cache
// (same place and version as the transcript fixtures use), and found there as one native file to mount.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { CLAUDE_VERSION } from '../fixtures/claude-transcripts/regenerate.js'

export const CLAUDE_CACHE = process.env.WRAPIX_TEST_CLAUDE_DIR ?? '/var/cache/wrapix-test/claude'
/** The self-contained linux-x64 executable (the npm wrapper's bin/claude.exe is a copy of it). */
export const CLAUDE_NATIVE_BINARY = join(CLAUDE_CACHE, 'node_modules', '@anthropic-ai', 'claude-code-linux-x64', 'claude')

/** Installs `@anthropic-ai/claude-code@CLAUDE_VERSION` into the cache unless it is there; returns the binary. */
export function ensureClaudeBinary(): string {
  if (existsSync(CLAUDE_NATIVE_BINARY)) return CLAUDE_NATIVE_BINARY
  mkdirSync(CLAUDE_CACHE, { recursive: true })
  execFileSync('npm', ['install', '--prefix', CLAUDE_CACHE, '--no-audit', '--no-fund', `@anthropic-ai/claude-code@${CLAUDE_VERSION}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 480_000,
  })
  if (!existsSync(CLAUDE_NATIVE_BINARY)) throw new Error(`npm installed claude-code, but ${CLAUDE_NATIVE_BINARY} is missing`)
  return CLAUDE_NATIVE_BINARY
}
