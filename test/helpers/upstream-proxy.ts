// A tiny corporate-style upstream proxy on loopback: CONNECT tunnels and absolute-URI HTTP, names mapped to
// local addresses (it resolves, not its client), optional Basic auth; it records every request it was asked.
import { createServer, request } from 'node:http'
import type { Server } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { once } from 'node:events'

export interface UpstreamRequest {
  readonly method: string
  readonly target: string
  readonly auth: string | null
}

export interface TestUpstreamProxy {
  readonly port: number
  readonly seen: UpstreamRequest[]
  close(): Promise<void>
}

export async function startUpstreamProxy(opts: { resolve: Readonly<Record<string, string>>; user?: string; password?: string }): Promise<TestUpstreamProxy> {
  const seen: UpstreamRequest[] = []
  const wanted = opts.user !== undefined ? `Basic ${Buffer.from(`${opts.user}:${opts.password ?? ''}`).toString('base64')}` : null
  const sockets = new Set<Socket>()
  const mapped = (host: string): string => opts.resolve[host] ?? '192.0.2.1' // unmapped: TEST-NET, never reached
  const server: Server = createServer((req, res) => {
    const auth = req.headers['proxy-authorization'] ?? null
    seen.push({ method: req.method ?? '', target: req.url ?? '', auth })
    if (wanted && auth !== wanted) return void res.writeHead(407, { 'proxy-authenticate': 'Basic' }).end()
    const url = new URL(req.url ?? '')
    const headers = { ...req.headers }
    delete headers['proxy-authorization']
    const out = request({ host: mapped(url.hostname), port: url.port, method: req.method, path: `${url.pathname}${url.search}`, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    out.on('error', () => res.writeHead(502).end())
    req.pipe(out)
  })
  server.on('connection', (s: Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))))
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const auth = req.headers['proxy-authorization'] ?? null
    seen.push({ method: 'CONNECT', target: req.url ?? '', auth })
    client.on('error', () => {})
    if (wanted && auth !== wanted) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n')
    const [host = '', port = '0'] = (req.url ?? '').split(/:(?=\d+$)/)
    const target = connect({ host: mapped(host), port: Number(port) }, () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n')
      if (head.length > 0) target.write(head)
      client.pipe(target).pipe(client)
    })
    target.on('error', () => client.destroy())
    sockets.add(target)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
