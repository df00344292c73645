// A local stand-in for GitHub's REST endpoints for deploy keys and SSH signing keys (127.0.0.1 only),
// answering with the statuses and headers GitHub uses: 401, 404 (+ accepted scopes), 422 key in use.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface MockKey {
  id: number
  key: string
  title: string
  read_only?: boolean
}

export interface MockRequest {
  method: string
  path: string
  body: unknown
}

export interface MockGithub {
  readonly url: string
  readonly token: string
  /** owner/repo → deploy keys; only repositories listed here exist. */
  readonly repos: Map<string, MockKey[]>
  readonly signingKeys: MockKey[]
  readonly requests: MockRequest[]
  /** Classic-token scopes sent as X-OAuth-Scopes; null acts like a fine-grained token (no header). */
  scopes: string[] | null
  /** Answer the next request matching method + path prefix with this status instead. */
  failNext(method: string, pathPrefix: string, status: number, body?: unknown): void
  close(): Promise<void>
}

const blob = (key: string): string => key.trim().split(/\s+/)[1] ?? ''

export async function startMockGithub(opts: { repos?: string[]; scopes?: string[] | null } = {}): Promise<MockGithub> {
  const token = `ghp_mock${Math.random().toString(36).slice(2)}`
  const repos = new Map<string, MockKey[]>((opts.repos ?? ['ada/wrapix']).map((r) => [r, []]))
  const signingKeys: MockKey[] = []
  const requests: MockRequest[] = []
  const failures: { method: string; prefix: string; status: number; body: unknown }[] = []
  let nextId = 1000
  const state = { scopes: opts.scopes === undefined ? ['repo', 'admin:ssh_signing_key'] : opts.scopes }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const scopeHeader: Record<string, string> = state.scopes === null ? {} : { 'x-oauth-scopes': state.scopes.join(', ') }
    res.writeHead(status, { 'content-type': 'application/json', ...scopeHeader, ...headers })
    res.end(body === undefined ? '' : JSON.stringify(body))
  }
  const notFound = (res: ServerResponse, accepted?: string): void =>
    send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
      accepted ? { 'x-accepted-oauth-scopes': accepted } : {})
  const has = (scope: string): boolean => state.scopes === null || state.scopes.includes(scope)
  const inUse = (key: string): boolean =>
    [...repos.values()].flat().some((k) => blob(k.key) === blob(key)) || signingKeys.some((k) => blob(k.key) === blob(key))

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = ''
    for await (const chunk of req) text += String(chunk)
    const body: unknown = text ? JSON.parse(text) : undefined
    const url = new URL(req.url ?? '/', 'http://mock')
    const method = req.method ?? 'GET'
    requests.push({ method, path: url.pathname, body })
    const failure = failures.findIndex((f) => f.method === method && url.pathname.startsWith(f.prefix))
    if (failure >= 0) {
      const [f] = failures.splice(failure, 1)
      return send(res, f!.status, f!.body ?? { message: 'injected failure' })
    }
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { message: 'Bad credentials' })

    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)\/keys(?:\/(\d+))?$/.exec(url.pathname)
    if (repoMatch) {
      const keys = repos.get(`${repoMatch[1]}/${repoMatch[2]}`)
      if (!has('repo') || !keys) return notFound(res, 'repo')
      const id = repoMatch[3] ? Number(repoMatch[3]) : null
      if (method === 'GET' && id === null) return send(res, 200, keys)
      if (method === 'POST' && id === null) {
        const b = body as { key: string; title: string; read_only?: boolean }
        if (inUse(b.key)) {
          return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PublicKey', code: 'custom', field: 'key', message: 'key is already in use' }] })
        }
        const created = { id: nextId++, key: b.key, title: b.title, read_only: b.read_only ?? false }
        keys.push(created)
        return send(res, 201, created)
      }
      if (method === 'DELETE' && id !== null) {
        const at = keys.findIndex((k) => k.id === id)
        if (at < 0) return notFound(res)
        keys.splice(at, 1)
        return send(res, 204, undefined)
      }
    }
    const signingMatch = /^\/user\/ssh_signing_keys(?:\/(\d+))?$/.exec(url.pathname)
    if (signingMatch) {
      const id = signingMatch[1] ? Number(signingMatch[1]) : null
      if (method === 'POST' && id === null) {
        if (!has('admin:ssh_signing_key') && !has('write:ssh_signing_key')) return notFound(res, 'admin:ssh_signing_key, write:ssh_signing_key')
        const b = body as { key: string; title: string }
        if (inUse(b.key)) {
          return send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'SshSigningKey', code: 'custom', field: 'key', message: 'key is already in use' }] })
        }
        const created = { id: nextId++, key: b.key, title: b.title }
        signingKeys.push(created)
        return send(res, 201, created)
      }
      if (method === 'GET' && id === null) return send(res, 200, signingKeys)
      if (method === 'DELETE' && id !== null) {
        if (!has('admin:ssh_signing_key')) return notFound(res, 'admin:ssh_signing_key')
        const at = signingKeys.findIndex((k) => k.id === id)
        if (at < 0) return notFound(res)
        signingKeys.splice(at, 1)
        return send(res, 204, undefined)
      }
    }
    return notFound(res)
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { message: String(err) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    repos,
    signingKeys,
    requests,
    get scopes() {
      return state.scopes
    },
    set scopes(value) {
      state.scopes = value
    },
    failNext(method, pathPrefix, status, body) {
      failures.push({ method, prefix: pathPrefix, status, body })
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A loopback port with nothing listening (bound, then closed), for network-failure tests. */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
