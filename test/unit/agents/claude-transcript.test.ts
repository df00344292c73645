import { mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { claudeProjectDirName, findClaudeTranscripts, summarizeClaudeTranscripts } from '../../../src/agents/claude-transcript.js'
import { TranscriptSummarySchema } from '../../../src/agents/transcript-summary.js'

// Fixtures come from the real claude binary (test/fixtures/claude-transcripts/regenerate.ts), run in
// /tmp/workspace against a scripted mock API; the WebFetch URL holds the mock's random port.
const FIXTURES = join(import.meta.dirname, '../../fixtures/claude-transcripts')
const WS = '/tmp/workspace'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('summarizeClaudeTranscripts on a real Claude Code transcript', () => {
  it('lists files read, written and edited (failed calls excluded)', async () => {
    const s = await summarizeClaudeTranscripts([join(FIXTURES, 'tools.jsonl')])
    expect(s.filesRead).toEqual([`${WS}/notes.md`]) // the Read of missing.txt failed
    expect(s.filesWritten).toEqual([`${WS}/notes.md`, `${WS}/src/app.ts`])
    expect(s.filesEdited).toEqual([`${WS}/notes.md`])
  })

  it('lists commands with their exit status from the tool results', async () => {
    const s = await summarizeClaudeTranscripts([join(FIXTURES, 'tools.jsonl')])
    expect(s.commands).toEqual([
      { command: 'ls -la', exitCode: 0, isError: false },
      { command: 'ls /nonexistent-dir', exitCode: 2, isError: true },
      { command: expect.stringMatching(/^echo "key=sk-ant-api03-FIXTURECANARY/), exitCode: 0, isError: false },
    ])
  })

  it('lists web fetches and searches, and counts tool calls by name', async () => {
    const s = await summarizeClaudeTranscripts([join(FIXTURES, 'tools.jsonl')])
    expect(s.webFetches).toEqual([{ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/docs$/), isError: true }])
    expect(s.webSearches).toEqual([{ query: 'wrapix sandbox record' }])
    expect(s.toolCalls).toEqual({ Bash: 3, Write: 2, Read: 2, Edit: 1, WebFetch: 1, WebSearch: 1 })
  })

  it('reports session id, version, model, tokens (each message once) and cost', async () => {
    const s = await summarizeClaudeTranscripts([join(FIXTURES, 'tools.jsonl')])
    expect(s.sessionIds).toHaveLength(1)
    expect(s.sessionIds[0]).toMatch(UUID)
    expect(s.agentVersions).toEqual(['2.1.330'])
    expect(s.models).toEqual(['claude-opus-5-5'])
    // the mock's usage: 9 turns, input 100 + 10·turn, output 20, cache 500 created then read
    expect(s.tokens).toEqual({ input: 1260, output: 180, cacheCreation: 500, cacheRead: 4000 })
    expect(s.costUsd).toBeGreaterThan(0)
    expect(s.malformedLines).toBe(0)
    expect(TranscriptSummarySchema.parse(s)).toEqual(s)
  })

  it('summarises a session without tool calls', async () => {
    const s = await summarizeClaudeTranscripts([join(FIXTURES, 'text-only.jsonl')])
    expect(s).toMatchObject({ filesRead: [], filesWritten: [], commands: [], webFetches: [], toolCalls: {} })
    expect(s.tokens).toEqual({ input: 100, output: 20, cacheCreation: 500, cacheRead: 0 })
  })

  it('merges several files of one session into one summary', async () => {
    const s = await summarizeClaudeTranscripts([join(FIXTURES, 'tools.jsonl'), join(FIXTURES, 'text-only.jsonl')])
    expect(s.sessionIds).toHaveLength(2)
    expect(s.tokens.output).toBe(200)
    expect(s.rawPaths).toHaveLength(2)
  })
})

describe('summarizeClaudeTranscripts on damaged transcripts', () => {
  let dir: string
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('counts a cut-off last line and keeps files whose result never came', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wrapix-transcript-'))
    const file = join(dir, 'cut.jsonl')
    const use = (id: string, name: string, input: object) =>
      JSON.stringify({ type: 'assistant', sessionId: 's1', message: { id: `m-${id}`, model: 'm', content: [{ type: 'tool_use', id, name, input }], usage: { input_tokens: 5, output_tokens: 1 } } })
    writeFileSync(file, [use('t1', 'Write', { file_path: '/workspace/a.txt', content: 'x' }), use('t2', 'Bash', { command: 'sleep 100' }), '{"type":"user","message":{"role":"us'].join('\n'))
    const s = await summarizeClaudeTranscripts([file])
    expect(s.filesWritten).toEqual(['/workspace/a.txt'])
    expect(s.commands).toEqual([{ command: 'sleep 100', exitCode: null, isError: null }])
    expect(s.malformedLines).toBe(1)
    expect(s.tokens).toEqual({ input: 10, output: 2, cacheCreation: 0, cacheRead: 0 })
  })
})

describe('findClaudeTranscripts', () => {
  let dir: string
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('finds transcripts (and subagent transcripts) written since the session started', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wrapix-transcripts-'))
    const project = join(dir, 'projects', claudeProjectDirName('/workspace'))
    mkdirSync(join(project, 'abc', 'subagents'), { recursive: true })
    for (const f of ['old.jsonl', 'new.jsonl', 'abc/subagents/agent-1.jsonl', 'notes.txt']) writeFileSync(join(project, f), '{}\n')
    const old = new Date(Date.now() - 3_600_000)
    utimesSync(join(project, 'old.jsonl'), old, old)
    const found = await findClaudeTranscripts(dir, '/workspace', Date.now() - 60_000)
    expect(found).toEqual([join(project, 'abc/subagents/agent-1.jsonl'), join(project, 'new.jsonl')])
  })

  it('returns nothing when claude never wrote a transcript', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wrapix-transcripts-'))
    expect(await findClaudeTranscripts(dir, '/workspace', 0)).toEqual([])
  })

  it('names the project folder after the cwd like Claude Code does', () => {
    expect(claudeProjectDirName('/workspace')).toBe('-workspace')
    expect(claudeProjectDirName('/home/ada/my.project')).toBe('-home-ada-my-project')
  })
})
