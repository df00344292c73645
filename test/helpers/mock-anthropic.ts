// A local Messages API server (127.0.0.1, random port) that plays a script of assistant turns, streamed
// as server-sent events the way the real API sends them. Used to drive the real `claude` binary in
// fixture generation and e2e tests; it never talks to anything but loopback.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

export type MockBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown>; id?: string }

export interface MockUsage {
  input_tokens: number
  output_tokens: number
  cache_creation_input_tokens: number
  cache_read_input_tokens: number
}

export interface MockTurn {
  content: MockBlock[]
  usage?: Partial<MockUsage>
  /** Never answer this request (the connection stays open until the mock closes): an agent that hangs. */
  hang?: boolean
}

export interface MockScript {
  /** Turns of the main agent loop; turn N answers a request that already holds N assistant messages. */
  turns: MockTurn[]
  /**
   * Scripts chosen by a marker found in the conversation's first user message (e.g. a task's title), one
   * per conversation: the Nth conversation carrying a marker plays its Nth script (the last one repeats).
   * Conversations without a known marker play `turns`.
   */
  byMarker?: Record<string, MockTurn[][]>
  model?: string
  /** Reply to side requests (titles, summaries of fetched pages: requests that do not offer Bash). */
  sideReply?: string
  /** Extra GET routes served as text/html, e.g. a page for WebFetch to read. */
  pages?: Record<string, string>
}

export interface MockRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: unknown
}

export interface MockAnthropic {
  url: string
  requests: MockRequest[]
  close: () => Promise<void>
}

const DEFAULT_MODEL = 'claude-sonnet-4-5-20250929'

export interface MockOptions {
  /** Serve HTTPS with this key and certificate (e.g. from test/helpers/test-ca.ts) instead of plain HTTP. */
  readonly tls?: { readonly key: string; readonly cert: string }
}

export async function startMockAnthropic(script: MockScript | MockTurn[], options: MockOptions = {}): Promise<MockAnthropic> {
  const spec: MockScript = Array.isArray(script) ? { turns: script } : script
  const requests: MockRequest[] = []
  let messageSeq = 0
  const conversations = new Map<string, number>()
  const listener: RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      let body: unknown = raw
      try {
        body = raw ? JSON.parse(raw) : undefined
      } catch {
        // keep the raw text; the handler below answers 400 for it
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/'
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body })
      handle(spec, req.method ?? 'GET', path, body, res, () => ++messageSeq, conversations)
    })
  }
  const server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

interface MessagesBody {
  model?: string
  stream?: boolean
  tools?: unknown[]
  messages?: { role: string; content?: unknown }[]
}

/** The turns for this request: by marker (counting conversations per marker), else the default script. */
function turnsFor(spec: MockScript, request: MessagesBody, assistantTurns: number, conversations: Map<string, number>): MockTurn[] {
  const first = JSON.stringify(request.messages?.find((m) => m.role === 'user')?.content ?? '')
  const marker = Object.keys(spec.byMarker ?? {}).find((m) => first.includes(m))
  if (!marker) return spec.turns
  if (assistantTurns === 0) conversations.set(marker, (conversations.get(marker) ?? 0) + 1)
  const scripts = spec.byMarker![marker]!
  return scripts[Math.min((conversations.get(marker) ?? 1) - 1, scripts.length - 1)] ?? []
}

function handle(spec: MockScript, method: string, path: string, body: unknown, res: ServerResponse, nextId: () => number, conversations: Map<string, number>): void {
  if (method === 'GET' && spec.pages?.[path] !== undefined) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(spec.pages[path])
    return
  }
  if (method === 'POST' && path === '/v1/messages/count_tokens') {
    json(res, 200, { input_tokens: 42 })
    return
  }
  if (method !== 'POST' || path !== '/v1/messages' || typeof body !== 'object' || body === null) {
    json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `mock: no route ${method} ${path}` } })
    return
  }
  const request = body as MessagesBody
  // The agent loop offers the client-side tools; side requests (titles, page summaries, web search) do not.
  const isMainLoop = (request.tools ?? []).some((t) => (t as { name?: unknown }).name === 'Bash')
  const assistantTurns = (request.messages ?? []).filter((m) => m.role === 'assistant').length
  const turns = isMainLoop ? turnsFor(spec, request, assistantTurns, conversations) : []
  const turn: MockTurn = isMainLoop
    ? (turns[assistantTurns] ?? { content: [{ type: 'text', text: 'Done.' }] })
    : { content: [{ type: 'text', text: spec.sideReply ?? 'Summary: ok.' }], usage: { input_tokens: 10, output_tokens: 3 } }
  if (turn.hang) return // the client waits until it gives up or the mock closes
  const model = spec.model ?? request.model ?? DEFAULT_MODEL
  const id = `msg_mock${String(nextId()).padStart(6, '0')}`
  const content = turn.content.map((b, i) =>
    b.type === 'tool_use' ? { ...b, id: b.id ?? `toolu_mock${String(assistantTurns).padStart(3, '0')}${i}` } : b,
  )
  const usage: MockUsage = {
    input_tokens: 100 + 10 * assistantTurns,
    output_tokens: 20,
    cache_creation_input_tokens: assistantTurns === 0 ? 500 : 0,
    cache_read_input_tokens: assistantTurns === 0 ? 0 : 500,
    ...turn.usage,
  }
  const stopReason = content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'
  if (request.stream) streamMessage(res, { id, model, content, usage, stopReason })
  else
    json(res, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    })
}

interface Reply {
  id: string
  model: string
  content: (MockBlock & { id?: string })[]
  usage: MockUsage
  stopReason: string
}

/** The event sequence of the streaming Messages API: start, per block start/delta/stop, delta, stop. */
function streamMessage(res: ServerResponse, r: Reply): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
  const send = (event: string, data: unknown): void => {
    res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...(data as object) })}\n\n`)
  }
  send('message_start', {
    message: {
      id: r.id,
      type: 'message',
      role: 'assistant',
      model: r.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...r.usage, output_tokens: 1 },
    },
  })
  r.content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } })
      send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } })
    } else {
      send('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } })
      const partial = JSON.stringify(block.input)
      // Split the JSON like the real API does, so the client must reassemble partial_json deltas.
      const cut = Math.floor(partial.length / 2)
      for (const piece of [partial.slice(0, cut), partial.slice(cut)]) {
        send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } })
      }
    }
    send('content_block_stop', { index })
  })
  send('message_delta', { delta: { stop_reason: r.stopReason, stop_sequence: null }, usage: { output_tokens: r.usage.output_tokens } })
  send('message_stop', {})
  res.end()
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}
