// The real claude binary against the mock Messages API, in a private network namespace (loopback only):
// today's claude must still write transcripts the parser summarises as the committed fixtures say.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { summarizeClaudeTranscripts } from '../../src/agents/claude-transcript.js'

const SCRIPT = join(import.meta.dirname, '../fixtures/claude-transcripts/regenerate.ts')
const FIXTURES = join(import.meta.dirname, '../fixtures/claude-transcripts')

describe('claude transcripts from the real binary', () => {
  let out: string
  beforeAll(() => {
    out = mkdtempSync('/var/tmp/wrapix-e2e-transcripts-') // /tmp is private inside the script's namespace
    execFileSync(process.execPath, [join(import.meta.dirname, '../../node_modules/tsx/dist/cli.mjs'), SCRIPT], {
      env: { ...process.env, WRAPIX_FIXTURE_OUT: out },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 500_000,
    })
  })
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it.each(['tools', 'text-only'])('%s: a fresh transcript summarises like the committed fixture', async (scenario) => {
    const fresh = await summarizeClaudeTranscripts([join(out, `${scenario}.jsonl`)])
    const committed = await summarizeClaudeTranscripts([join(FIXTURES, `${scenario}.jsonl`)])
    const stable = (s: typeof fresh) => ({
      ...s,
      rawPaths: [],
      sessionIds: s.sessionIds.length,
      costUsd: s.costUsd !== null,
      webFetches: s.webFetches.map((f) => ({ ...f, url: f.url.replace(/:\d+\//, ':PORT/') })),
    })
    expect(stable(fresh)).toEqual(stable(committed))
  })
})
