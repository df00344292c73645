// Claude Code's session transcripts: where they live on the host, and a streaming parser that turns
// them into a TranscriptSummary (files, commands, web calls, tool counts, tokens) in bounded memory.
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { scanJsonl } from './jsonl-lines.js'
import { COMMAND_TEXT_CAP, SUMMARY_LIST_CAP, type CommandRun, type TranscriptSummary } from './transcript-summary.js'

/** Claude Code names a project's transcript folder after its cwd, every other character made `-`. */
export const claudeProjectDirName = (cwd: string): string => cwd.replace(/[^A-Za-z0-9]/g, '-')

/**
 * The transcript files of one session: every `*.jsonl` under `<configDir>/projects/<cwd>/` (subagent
 * transcripts sit in subfolders) modified since the session started. `sinceMs` allows for coarse mtimes.
 */
export async function findClaudeTranscripts(configDir: string, cwd: string, sinceMs: number): Promise<string[]> {
  const root = join(configDir, 'projects', claudeProjectDirName(cwd))
  const found: string[] = []
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return // no transcript folder: the agent wrote nothing
    }
    for (const e of entries) {
      const path = join(dir, e.name)
      if (e.isDirectory() && depth < 3) await walk(path, depth + 1)
      else if (e.isFile() && e.name.endsWith('.jsonl') && (await stat(path)).mtimeMs >= sinceMs - 2000) found.push(path)
    }
  }
  await walk(root, 0)
  return found.sort()
}

const FILE_TOOLS: Record<string, { list: 'filesRead' | 'filesWritten' | 'filesEdited'; key: string }> = {
  Read: { list: 'filesRead', key: 'file_path' },
  Write: { list: 'filesWritten', key: 'file_path' },
  Edit: { list: 'filesEdited', key: 'file_path' },
  MultiEdit: { list: 'filesEdited', key: 'file_path' },
  NotebookEdit: { list: 'filesEdited', key: 'notebook_path' },
}

type Pending =
  | { kind: 'file'; list: 'filesRead' | 'filesWritten' | 'filesEdited'; path: string }
  | { kind: 'command'; run: CommandRun }
  | { kind: 'fetch'; entry: { url: string; isError: boolean | null } }

/** Accumulates a summary line by line; `result()` may be called once all files were fed. */
class ClaudeSummaryBuilder {
  private readonly sessionIds = new Set<string>()
  private readonly versions = new Set<string>()
  private readonly models = new Set<string>()
  private readonly files = { filesRead: new Set<string>(), filesWritten: new Set<string>(), filesEdited: new Set<string>() }
  private readonly commands: CommandRun[] = []
  private readonly webFetches: { url: string; isError: boolean | null }[] = []
  private readonly webSearches: { query: string }[] = []
  private readonly toolCalls: Record<string, number> = {}
  private readonly tokens = { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 }
  private readonly costBySession = new Map<string, number>()
  private readonly omitted = { files: 0, commands: 0, webFetches: 0, webSearches: 0 }
  private readonly pending = new Map<string, Pending>()
  private malformed = 0
  // Claude writes one line per content block of a message, each repeating the message's usage:
  // count a message's usage once, when its id changes.
  private lastMessageId: string | undefined
  private lastUsage: Record<string, unknown> | undefined

  feed(line: string): void {
    let entry: Record<string, unknown>
    try {
      entry = JSON.parse(line) as Record<string, unknown>
    } catch {
      if (line.trim() !== '') this.malformed++
      return
    }
    if (typeof entry.sessionId === 'string') this.sessionIds.add(entry.sessionId)
    if (typeof entry.version === 'string') this.versions.add(entry.version)
    if (entry.type === 'assistant') this.onAssistant(entry.message as Record<string, unknown> | undefined)
    else if (entry.type === 'user') this.onUser(entry.message as Record<string, unknown> | undefined)
    else if (entry.type === 'cost-state' && typeof entry.totalCostUSD === 'number') {
      // cumulative per session: the last one wins
      this.costBySession.set(String(entry.sessionId), entry.totalCostUSD)
    }
  }

  noteMalformed(): void {
    this.malformed++
  }

  private onAssistant(message: Record<string, unknown> | undefined): void {
    if (!message) return
    if (typeof message.model === 'string' && message.model !== '<synthetic>') this.models.add(message.model)
    const id = typeof message.id === 'string' ? message.id : undefined
    if (id !== this.lastMessageId) this.flushUsage()
    this.lastMessageId = id
    if (message.usage && typeof message.usage === 'object') this.lastUsage = message.usage as Record<string, unknown>
    if (!Array.isArray(message.content)) return
    for (const block of message.content as Record<string, unknown>[]) {
      if (block?.type === 'tool_use' && typeof block.name === 'string') this.onToolUse(block)
    }
  }

  private onToolUse(block: Record<string, unknown>): void {
    const name = block.name as string
    const id = typeof block.id === 'string' ? block.id : undefined
    const input = (block.input ?? {}) as Record<string, unknown>
    this.toolCalls[name] = (this.toolCalls[name] ?? 0) + 1
    let pending: Pending | undefined
    const fileTool = FILE_TOOLS[name]
    if (fileTool && typeof input[fileTool.key] === 'string') {
      pending = { kind: 'file', list: fileTool.list, path: input[fileTool.key] as string }
    } else if (name === 'Bash' && typeof input.command === 'string') {
      const run: CommandRun = { command: capText(input.command), exitCode: null, isError: null }
      if (this.commands.length < SUMMARY_LIST_CAP) this.commands.push(run)
      else this.omitted.commands++
      pending = { kind: 'command', run }
    } else if (name === 'WebFetch' && typeof input.url === 'string') {
      const entry = { url: capText(input.url), isError: null }
      if (this.webFetches.length < SUMMARY_LIST_CAP) this.webFetches.push(entry)
      else this.omitted.webFetches++
      pending = { kind: 'fetch', entry }
    } else if (name === 'WebSearch' && typeof input.query === 'string') {
      if (this.webSearches.length < SUMMARY_LIST_CAP) this.webSearches.push({ query: capText(input.query) })
      else this.omitted.webSearches++
    }
    if (!pending) return
    // Without an id no result can be matched: a file counts as touched, a command's status stays unknown.
    if (id && this.pending.size < SUMMARY_LIST_CAP * 10) this.pending.set(id, pending)
    else if (pending.kind === 'file') this.addFile(pending.list, pending.path)
  }

  private onUser(message: Record<string, unknown> | undefined): void {
    if (!message || !Array.isArray(message.content)) return
    for (const block of message.content as Record<string, unknown>[]) {
      if (block?.type !== 'tool_result' || typeof block.tool_use_id !== 'string') continue
      const pending = this.pending.get(block.tool_use_id)
      if (!pending) continue
      this.pending.delete(block.tool_use_id)
      const isError = block.is_error === true
      if (pending.kind === 'file') {
        if (!isError) this.addFile(pending.list, pending.path) // a failed Read/Write touched nothing
      } else if (pending.kind === 'command') {
        pending.run.isError = isError
        pending.run.exitCode = isError ? exitCodeOf(block.content) : 0
      } else pending.entry.isError = isError
    }
  }

  private addFile(list: 'filesRead' | 'filesWritten' | 'filesEdited', path: string): void {
    const set = this.files[list]
    if (set.has(path)) return
    if (set.size < SUMMARY_LIST_CAP) set.add(path)
    else this.omitted.files++
  }

  private flushUsage(): void {
    const u = this.lastUsage
    this.lastUsage = undefined
    if (!u) return
    this.tokens.input += num(u.input_tokens)
    this.tokens.output += num(u.output_tokens)
    this.tokens.cacheCreation += num(u.cache_creation_input_tokens)
    this.tokens.cacheRead += num(u.cache_read_input_tokens)
  }

  result(rawPaths: string[]): TranscriptSummary {
    this.flushUsage()
    // Calls whose result never came (the session was killed): the file may well have been touched.
    for (const p of this.pending.values()) if (p.kind === 'file') this.addFile(p.list, p.path)
    this.pending.clear()
    const costs = [...this.costBySession.values()]
    return {
      available: true,
      format: 'claude-code-jsonl',
      rawPaths,
      sessionIds: [...this.sessionIds],
      agentVersions: [...this.versions],
      models: [...this.models],
      filesRead: [...this.files.filesRead],
      filesWritten: [...this.files.filesWritten],
      filesEdited: [...this.files.filesEdited],
      commands: this.commands,
      webFetches: this.webFetches,
      webSearches: this.webSearches,
      toolCalls: this.toolCalls,
      tokens: this.tokens,
      costUsd: costs.length > 0 ? Math.round(costs.reduce((a, b) => a + b, 0) * 1e6) / 1e6 : null,
      omitted: this.omitted,
      malformedLines: this.malformed,
    }
  }
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0)

const capText = (s: string): string => (s.length > COMMAND_TEXT_CAP ? `${s.slice(0, COMMAND_TEXT_CAP)}…[cut]` : s)

/** Claude reports a failed command as a tool_result starting "Exit code N". */
function exitCodeOf(content: unknown): number | null {
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content) && typeof (content[0] as { text?: unknown })?.text === 'string'
        ? (content[0] as { text: string }).text
        : ''
  const m = /^Exit code (\d+)/.exec(text)
  return m ? Number(m[1]) : null
}

/** Longer lines are skipped (counted as malformed): bounds memory per line. */
const MAX_LINE_BYTES = 16 * 1024 * 1024
// Only entries of these types carry what the summary keeps; most bytes are request snapshots and
// attachments, which are skipped without being decoded. Matching the bare word also fits spaced JSON.
const MARKERS = ['"assistant"', '"user"', '"cost-state"']

/** Streams the given transcript files (in order) into one summary. */
export async function summarizeClaudeTranscripts(paths: string[]): Promise<TranscriptSummary> {
  const builder = new ClaudeSummaryBuilder()
  for (const path of paths) {
    await scanJsonl(path, {
      markers: MARKERS,
      maxLineBytes: MAX_LINE_BYTES,
      onLine: (line) => builder.feed(line),
      onOversized: () => builder.noteMalformed(),
    })
  }
  return builder.result(paths)
}
