// The task's outcome, read strictly: only the agent's final `result` event counts, and only a line of its
// text that is exactly a signal. A quoted signal, a tool's output or an earlier turn never counts. Pure.

export type Signal =
  | { readonly kind: 'complete' }
  | { readonly kind: 'blocked'; readonly reason: string }
  | { readonly kind: 'clarify'; readonly question: string }

export interface ResultEvent {
  readonly isError: boolean
  readonly text: string
  readonly costUsd: number | null
  readonly tokens: number | null
}

export type SignalReading = { readonly signal: Signal } | { readonly problem: string }

const COMPLETE = 'RALPH_COMPLETE'
/** The agent's reason or question is stored in the task file and shown in terminals: bounded, no control characters. */
export const MAX_SIGNAL_TEXT = 4000
const WITH_TEXT = /^RALPH_(BLOCKED|CLARIFY): (\S.*)$/

/** The `result` event of a Claude Code stream-json line, or null for any other line. */
export function resultEventOf(line: string): ResultEvent | null {
  let event: unknown
  try {
    event = JSON.parse(line)
  } catch {
    return null
  }
  if (typeof event !== 'object' || event === null || (event as { type?: unknown }).type !== 'result') return null
  const e = event as { is_error?: unknown; result?: unknown; total_cost_usd?: unknown; usage?: Record<string, unknown> }
  const usage = e.usage ?? {}
  const tokenFields = ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']
  const tokens = tokenFields.map((k) => usage[k]).filter((v): v is number => typeof v === 'number')
  return {
    isError: e.is_error === true,
    text: typeof e.result === 'string' ? e.result : '',
    costUsd: typeof e.total_cost_usd === 'number' ? e.total_cost_usd : null,
    tokens: tokens.length > 0 ? tokens.reduce((a, b) => a + b, 0) : null,
  }
}

/** The last `result` event in a stream, or null when the agent never produced one. */
export function finalResult(lines: readonly string[]): ResultEvent | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const event = resultEventOf(lines[i]!)
    if (event) return event
  }
  return null
}

/** The signal of a final result: exactly one signal line (repeats of the same line are fine). */
export function readSignal(result: ResultEvent): SignalReading {
  if (result.isError) return { problem: `the agent ended with an error: ${firstLine(result.text) || '(no message)'}` }
  const signals = new Map<string, Signal>()
  const lines = result.text.split('\n').map((raw) => raw.replace(/\r$/, '').trimEnd())
  lines.forEach((line, index) => {
    if (line === COMPLETE) signals.set(line, { kind: 'complete' })
    const match = WITH_TEXT.exec(line)
    if (match?.[1] === 'BLOCKED') signals.set(line, { kind: 'blocked', reason: plainText(match[2]!) })
    // A question may go on below its signal line: the options it offers ("### Option N — title").
    if (match?.[1] === 'CLARIFY') signals.set(line, { kind: 'clarify', question: plainText([match[2]!, ...lines.slice(index + 1)].join('\n')) })
  })
  if (signals.size === 1) return { signal: [...signals.values()][0]! }
  if (signals.size > 1) return { problem: `the final result holds ${signals.size} different signals; exactly one is needed` }
  return { problem: `no signal line in the final result (it ended: "${lastLine(result.text)}")` }
}

const firstLine = (text: string): string => plainText(text.trim().split('\n')[0]!, 200)
const lastLine = (text: string): string => plainText(text.trim().split('\n').at(-1)!, 200)

/** Text from the sandbox made safe to store and print: escape sequences and control characters removed, length capped. */
export function plainText(text: string, max = MAX_SIGNAL_TEXT): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)?/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '').trim()
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}
