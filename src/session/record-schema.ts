// The session record: one JSON file per session in `.wrapix/log/`, published as a JSON Schema in
// docs/session-record.schema.json (generated from this file by `npm run schema`). Top-level keys are
// stable; a breaking change bumps `schemaVersion`.
import { z } from 'zod'
import { TranscriptSchema } from '../agents/transcript-summary.js'
import { AGENT_NAMES, BOUNDARIES, NETWORK_MODES } from '../sandbox/plan.js'

export const RECORD_SCHEMA_VERSION = 1
export const SESSION_MODES = ['interactive', 'command', 'shell', 'ralph'] as const
export type SessionMode = (typeof SESSION_MODES)[number]
export const EXIT_STATUSES = ['exited', 'signal', 'unknown'] as const
export type ExitStatus = (typeof EXIT_STATUSES)[number]

const Timestamp = z.string().describe('UTC, ISO 8601 with milliseconds')

const GitSnapshotSchema = z.strictObject({
  head: z.string().nullable().describe('commit id of HEAD; null before the first commit'),
  branch: z.string().nullable().describe('null when HEAD is detached'),
  dirty: z.boolean(),
})

const DiffStatSchema = z.strictObject({
  filesChanged: z.number().int().nonnegative(),
  insertions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  files: z.array(
    z.strictObject({
      path: z.string().describe('relative to the workspace'),
      insertions: z.number().int().nonnegative().nullable().describe('null for binary files'),
      deletions: z.number().int().nonnegative().nullable(),
    }),
  ),
})

export const GitRecordSchema = z
  .discriminatedUnion('available', [
    z.strictObject({
      available: z.literal(true),
      before: GitSnapshotSchema,
      after: GitSnapshotSchema.nullable().describe('null when the session was finalized after wrapix died'),
      diff: DiffStatSchema.nullable().describe('work tree (with new files) against HEAD at start'),
      error: z.string().nullable().describe('why `after` or `diff` is missing'),
    }),
    z.strictObject({ available: z.literal(false), reason: z.string() }),
  ])
  .describe('git state of the workspace before and after the session')

export const GitDirRecordSchema = z
  .strictObject({
    mode: z
      .enum(['session', 'hidden', 'none'])
      .describe("session: the sandbox had a git dir of its own (the host's .git never mounted); hidden: git in the sandbox found no repository; none: the workspace has no .git"),
    reason: z.string().nullable().describe('why git was hidden'),
    changed: z
      .array(z.string())
      .describe("the workspace's .git entry or a gitdir/commondir file differs from the start: nothing was brought back and wrapix ran no git there"),
    imported: z
      .strictObject({
        objects: z.number().int().nonnegative().describe('loose objects copied (each verified against its name)'),
        packs: z.number().int().nonnegative().describe('packs copied (re-indexed by git on the host)'),
        refsUpdated: z.array(z.string()),
        conflicts: z.array(z.strictObject({ ref: z.string(), keptAs: z.string() })).describe('changed on the host too; the sandbox\'s value is kept as keptAs'),
        notDeleted: z.array(z.string()).describe('deleted in the sandbox, kept on the host'),
        head: z.enum(['unchanged', 'updated', 'kept-host', 'refused']),
        index: z.enum(['unchanged', 'updated', 'refused']),
        notes: z.array(z.string()),
      })
      .nullable()
      .describe("the sandbox's git work brought back to the host"),
    error: z.string().nullable(),
  })
  .nullable()
  .optional()
  .describe("the sandbox's own git dir and what came back from it; null when the session was finalized after wrapix died")

export const ReviewRecordSchema = z
  .array(
    z.strictObject({
      path: z.string().describe('relative to the workspace'),
      change: z.enum(['created', 'changed']),
      runBy: z.string().describe('what runs this file on the host'),
    }),
  )
  .nullable()
  .optional()
  .describe('review before you run: files the host runs on ordinary actions (nix develop, npm install, make…) that the session created or changed; null when unknown')

export const SetidRecordSchema = z
  .strictObject({
    cleared: z
      .array(z.strictObject({ path: z.string().describe('relative to the workspace'), mode: z.string().describe('its mode before, in octal (e.g. 4755)') }))
      .describe('setuid/setgid files the session left, whose bits wrapix cleared'),
    failed: z.array(z.strictObject({ path: z.string(), error: z.string() })).describe('setuid/setgid files the session left that wrapix could not clear'),
    unsearched: z.array(z.string()).describe('what the search could not read (a file there went unseen)'),
  })
  .optional()
  .describe('setuid/setgid files swept from the project after the session (absent in records written before wrapix swept, or by recovery)')

export const NetworkRecordSchema = z
  .strictObject({
    allowed: z.number().int().nonnegative(),
    denied: z.number().int().nonnegative(),
    deniedHosts: z.array(
      z.strictObject({
        host: z.string(),
        port: z.number().int(),
        count: z.number().int().positive(),
        allowCommand: z.string().nullable().describe('the command that would allow this host; null when no rule would'),
        reason: z.string().describe('why it was denied'),
      }),
    ),
    decisionsFile: z.string().describe('sibling JSON-lines file with every decision, relative to .wrapix/log'),
    connections: z
      .strictObject({
        total: z.number().int().nonnegative(),
        peak: z.number().int().nonnegative().describe('most connections open at once'),
        refused: z.number().int().nonnegative().describe('connections closed because the session held the maximum'),
        idleClosed: z.number().int().nonnegative().describe('tunnels closed after the idle timeout'),
      })
      .optional()
      .describe('connections from the sandbox through the proxy'),
    credentialLeaks: z
      .array(z.strictObject({ credential: z.string(), host: z.string(), port: z.number().int(), count: z.number().int().positive() }))
      .optional()
      .describe("refused requests that carried a credential's placeholder to a host that is not its API"),
    credentials: z
      .array(
        z.strictObject({
          name: z.string(),
          delivery: z.enum(['proxy', 'env', 'withheld']).describe('proxy: added by the host proxy; env: passed into the sandbox by value; withheld: not given'),
          host: z.string().nullable(),
          port: z.number().int().nullable(),
          header: z.string().nullable(),
        }),
      )
      .optional()
      .describe('agent credentials of the session: names and hosts, never values'),
    upstreamProxy: z.string().optional().describe("the host's upstream proxy allowed destinations went through (password masked); absent when direct"),
  })
  .nullable()
  .describe('decision summary of the network proxy; null when no summary was produced')

export const SandboxUserRecordSchema = z.strictObject({
  uid: z.number().int().describe('uid inside the sandbox'),
  userns: z
    .enum(['keep-id', 'auto', 'host'])
    .describe('keep-id: a normal user, mapped to itself; auto: as root, root inside a user namespace of its own (podman --userns=auto, binds id-mapped); host: as root, no user namespace'),
  size: z.number().int().nullable().describe('auto: how many subordinate ids the session had'),
  reason: z.string().nullable().describe('host: why the sandbox had no user namespace'),
})
export type SandboxUserRecord = z.infer<typeof SandboxUserRecordSchema>

export const INTERRUPTION_CAUSES = ['signal', 'helper', 'wrapix-died', 'host-restarted'] as const

export const InterruptionSchema = z
  .strictObject({
    cause: z
      .enum(INTERRUPTION_CAUSES)
      .describe('signal: wrapix was told to stop (Ctrl-C, kill, a closed terminal); helper: podman or conmon died; wrapix-died and host-restarted: recovered by a later run'),
    signal: z.string().nullable().describe('the signal wrapix received (cause signal)'),
    detail: z.string().describe('what happened, in one line'),
    endFrom: z
      .enum(['journal', 'network-log', 'start'])
      .nullable()
      .describe("recovered records: whose last write gives `end` (the journal's or the network log's modification time, or the start when neither is later)"),
  })
  .nullable()
  .optional()
  .describe('why the session ended other than by its command exiting; null when it simply exited')

export const SessionRecordSchema = z.strictObject({
  schemaVersion: z.literal(RECORD_SCHEMA_VERSION),
  id: z.string().describe('wrapix session id'),
  start: Timestamp,
  end: Timestamp,
  durationMs: z.number().int().nonnegative(),
  exitCode: z.number().int().nullable().describe("the agent's exit code; null when unknown"),
  exitStatus: z.enum(EXIT_STATUSES).describe('exited normally, killed by a signal, or unknown (wrapix died)'),
  mode: z.enum(SESSION_MODES),
  taskId: z.string().nullable().describe('batch task id (ralph); null otherwise'),
  agent: z.strictObject({
    name: z.enum(AGENT_NAMES),
    version: z.string().nullable(),
    sessionIds: z.array(z.string()).describe("the agent's own session ids (e.g. for claude --resume)"),
  }),
  boundary: z.enum(BOUNDARIES),
  sandboxUser: SandboxUserRecordSchema.optional().describe('who the sandbox was on the host (absent in records written before wrapix recorded it)'),
  runtime: z.string().describe('krun, runsc, crun or apple-container'),
  image: z.strictObject({ ref: z.string(), id: z.string().nullable() }),
  profile: z.strictObject({ name: z.string(), digest: z.string() }),
  argv: z.array(z.string()).describe('the exact runtime command, secrets masked'),
  policy: z.strictObject({
    mode: z.enum(NETWORK_MODES).nullable(),
    digest: z.string().nullable().describe('digest of the effective network policy'),
  }),
  network: NetworkRecordSchema,
  git: GitRecordSchema,
  gitDir: GitDirRecordSchema,
  reviewBeforeRun: ReviewRecordSchema,
  setidSweep: SetidRecordSchema,
  transcript: TranscriptSchema,
  interruption: InterruptionSchema,
  host: z.strictObject({
    pid: z.number().int().describe('pid of the wrapix process that ran the session'),
    finalizedBy: z.enum(['session', 'recovery']).describe('recovery: written by a later run after wrapix died'),
  }),
})
export type SessionRecord = z.infer<typeof SessionRecordSchema>
export type GitRecord = z.infer<typeof GitRecordSchema>
export type GitDirRecord = z.infer<typeof GitDirRecordSchema>
export type ReviewRecord = z.infer<typeof ReviewRecordSchema>
export type Interruption = NonNullable<z.infer<typeof InterruptionSchema>>
export type SetidRecord = z.infer<typeof SetidRecordSchema>

/** The JSON Schema published in docs/. Pure, so a test can compare it with the committed file. */
export function sessionRecordJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SessionRecordSchema, { target: 'draft-2020-12' }) as Record<string, unknown>
  return {
    $schema: schema.$schema,
    title: 'wrapix session record',
    description: 'One JSON file per session in .wrapix/log/, written by the host when the session ends.',
    ...schema,
  }
}
