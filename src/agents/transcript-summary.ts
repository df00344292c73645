// The agent transcript part of a session record: what the agent did, as its own transcript tells it.
// Shared by every agent's parser; lists are capped so a huge transcript gives a bounded record.
import { z } from 'zod'

/** At most this many entries per list; the rest are counted in `omitted`. */
export const SUMMARY_LIST_CAP = 1000
/** Longer commands are cut (with a marker) so one pasted script cannot bloat the record. */
export const COMMAND_TEXT_CAP = 2000

const CommandRunSchema = z.strictObject({
  command: z.string(),
  exitCode: z.number().int().nullable().describe('exit status when the tool result tells it'),
  isError: z.boolean().nullable().describe('the tool reported an error; null when no result was seen'),
})
export type CommandRun = z.infer<typeof CommandRunSchema>

const TokenCountsSchema = z.strictObject({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  cacheCreation: z.number().int().nonnegative(),
  cacheRead: z.number().int().nonnegative(),
})

export const TranscriptSummarySchema = z.strictObject({
  available: z.literal(true),
  format: z.literal('claude-code-jsonl'),
  rawPaths: z.array(z.string()).describe('host paths of the raw transcript files'),
  sessionIds: z.array(z.string()),
  agentVersions: z.array(z.string()),
  models: z.array(z.string()),
  filesRead: z.array(z.string()),
  filesWritten: z.array(z.string()),
  filesEdited: z.array(z.string()),
  commands: z.array(CommandRunSchema),
  webFetches: z.array(z.strictObject({ url: z.string(), isError: z.boolean().nullable() })),
  webSearches: z.array(z.strictObject({ query: z.string() })),
  toolCalls: z.record(z.string(), z.number().int().nonnegative()).describe('tool calls by tool name'),
  tokens: TokenCountsSchema,
  costUsd: z.number().nonnegative().nullable().describe('as the agent reported it; null when absent'),
  omitted: z
    .strictObject({
      files: z.number().int().nonnegative(),
      commands: z.number().int().nonnegative(),
      webFetches: z.number().int().nonnegative(),
      webSearches: z.number().int().nonnegative(),
    })
    .describe(`entries beyond ${SUMMARY_LIST_CAP} per list, counted but not listed`),
  malformedLines: z.number().int().nonnegative().describe('lines that were not JSON (e.g. cut off by a kill)'),
})
export type TranscriptSummary = z.infer<typeof TranscriptSummarySchema>

const TranscriptUnavailableSchema = z.strictObject({
  available: z.literal(false),
  reason: z.string(),
})

export const TranscriptSchema = z.discriminatedUnion('available', [TranscriptSummarySchema, TranscriptUnavailableSchema])
export type Transcript = z.infer<typeof TranscriptSchema>
