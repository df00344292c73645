// Proxy overhead on loopback: time to first byte of an HTTPS request (new connection each time) and
// 100 MB throughput, direct vs through wrapix's proxy (unix socket) and through the sandbox's path: the socat
// relay (as the entrypoint starts it) then the proxy.
// Needs `npm run build` (imports dist/). Targets: latency ratio <= 1.2, throughput ratio >= 0.8.
import { spawn, execFileSync } from 'node:child_process'
import { createServer as createTcpServer, connect } from 'node:net'
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls'
import { createServer as createHttpsServer } from 'node:https'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { once } from 'node:events'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200)
const BULK_BYTES = 100 * 1024 * 1024
const dir = mkdtempSync(join(tmpdir(), 'wrapix-bench-'))
const sock = join(dir, 'proxy.sock')

execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
  '-subj', '/CN=bench.test', '-addext', 'subjectAltName=DNS:bench.test', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' })
const ca = readFileSync(join(dir, 'c.pem'))

const tls = createTlsServer({ key: readFileSync(join(dir, 'k.pem')), cert: ca }, (s) => {
  s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'))
  s.on('error', () => {})
})
const chunk = Buffer.alloc(256 * 1024, 120)
const bulk = createTcpServer((s) => {
  s.on('error', () => {})
  let left = BULK_BYTES
  const pump = () => { while (left > 0) { left -= chunk.length; if (!s.write(chunk)) return void s.once('drain', pump) } s.end() }
  s.once('data', pump)
})
// The agent's API: kept-alive HTTPS that answers only when the real key arrives (so injection is proven).
const REAL_KEY = 'sk-ant-api03-benchRealKey000000000000000000-Bn1X'
const PLACEHOLDER = 'wrapix-placeholder-anthropic-api-key-bench'
const api = createHttpsServer({ key: readFileSync(join(dir, 'k.pem')), cert: ca, keepAlive: true }, (req, res) => {
  res.writeHead(req.headers['x-api-key'] === REAL_KEY || req.headers['x-api-key'] === PLACEHOLDER ? 200 : 401, { 'content-length': 2 }).end('ok')
})
await Promise.all([once(tls.listen(0, '127.0.0.1'), 'listening'), once(bulk.listen(0, '127.0.0.1'), 'listening'), once(api.listen(0, '127.0.0.1'), 'listening')])
const tlsPort = tls.address().port
const bulkPort = bulk.address().port
const apiPort = api.address().port
const route = `/_wrapix/bench.test-${apiPort}`

// The proxy runs in its own process, as it does beside the agent's process in a real session.
const proxyScript = `
  const { startProxy } = await import(${JSON.stringify(join(ROOT, 'dist/network/proxy.js'))})
  const { effectivePolicy } = await import(${JSON.stringify(join(ROOT, 'dist/network/effective-policy.js'))})
  const { policy } = effectivePolicy({ profileName: 'bench', profile: null, user: null, project: null,
    allow: ['bench.test:${tlsPort}', 'bench.test:${bulkPort}', 'bench.test:${apiPort}', '127.0.0.1'], deny: [], mode: 'limit' })
  const credentials = [{ name: 'ANTHROPIC_API_KEY', header: 'x-api-key', scheme: 'raw', placeholder: ${JSON.stringify(PLACEHOLDER)}, value: ${JSON.stringify(REAL_KEY)},
    route: ${JSON.stringify(route)}, upstream: { host: 'bench.test', port: ${apiPort}, tls: true, basePath: '' } }]
  await startProxy({ socketPath: ${JSON.stringify(sock)}, policy, auditPath: ${JSON.stringify(join(dir, 'audit.jsonl'))}, resolve: { 'bench.test': '127.0.0.1' },
    credentials, ca: [${JSON.stringify(ca.toString())}] })
  process.stdout.write('ready\\n')`
const proxy = spawn(process.execPath, ['--input-type=module', '-e', proxyScript], { stdio: ['ignore', 'pipe', 'inherit'] })
await once(proxy.stdout, 'data')
const relayPort = 20000 + (process.pid % 20000)
const socat = spawn('socat', ['-b', '131072', `TCP-LISTEN:${relayPort},bind=127.0.0.1,fork,reuseaddr,nodelay,backlog=256`, `UNIX-CONNECT:${sock}`], { stdio: 'ignore' })
for (let i = 0; i < 100; i++) { try { await new Promise((res, rej) => connect(relayPort, '127.0.0.1').on('connect', function () { this.destroy(); res() }).on('error', rej)); break } catch { await new Promise((r) => setTimeout(r, 20)) } }

/** A raw socket to bench.test:port: direct, via the proxy's unix socket, or via the socat relay then the proxy. */
async function open(path, port) {
  const s = path === 'direct' ? connect(port, '127.0.0.1') : path === 'proxy' ? connect(sock) : connect(relayPort, '127.0.0.1')
  s.setNoDelay(true)
  await once(s, 'connect')
  if (path === 'direct') return s
  s.write(`CONNECT bench.test:${port} HTTP/1.1\r\nHost: bench.test:${port}\r\n\r\n`)
  let head = ''
  while (!head.includes('\r\n\r\n')) head += (await once(s, 'data'))[0].toString('latin1')
  if (!head.startsWith('HTTP/1.1 200')) throw new Error(head)
  return s
}

async function ttfb(path) {
  const t0 = process.hrtime.bigint()
  const raw = await open(path, tlsPort)
  const s = tlsConnect({ socket: raw, servername: 'bench.test', ca })
  await once(s, 'secureConnect')
  s.write('GET / HTTP/1.1\r\nHost: bench.test\r\n\r\n')
  await once(s, 'data')
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  s.destroy()
  return ms
}

async function throughput(path) {
  const s = await open(path, bulkPort)
  const t0 = process.hrtime.bigint()
  let n = 0
  s.on('data', (c) => { n += c.length })
  s.write('go')
  await once(s, 'end')
  const sec = Number(process.hrtime.bigint() - t0) / 1e9
  if (n !== BULK_BYTES) throw new Error(`got ${n} bytes`)
  return BULK_BYTES / sec / 1e6 // MB/s
}

/**
 * One kept-alive connection as the agent holds it, then time from sending a request to its first byte:
 * 'tunnel' is HTTPS through a CONNECT tunnel (the plain proxy path), 'inject' is plain HTTP on the
 * credential route, where the proxy swaps the key and speaks TLS to the API itself.
 */
async function warmClient(path) {
  const raw = connect(sock)
  await once(raw, 'connect')
  let s = raw
  if (path === 'tunnel') {
    raw.write(`CONNECT bench.test:${apiPort} HTTP/1.1\r\nHost: bench.test:${apiPort}\r\n\r\n`)
    let head = ''
    while (!head.includes('\r\n\r\n')) head += (await once(raw, 'data'))[0].toString('latin1')
    s = tlsConnect({ socket: raw, servername: 'bench.test', ca })
    await once(s, 'secureConnect')
  }
  s.setNoDelay?.(true)
  const request = path === 'tunnel'
    ? `GET / HTTP/1.1\r\nHost: bench.test:${apiPort}\r\nx-api-key: ${REAL_KEY}\r\n\r\n`
    : `GET ${route}/ HTTP/1.1\r\nHost: 127.0.0.1:3128\r\nx-api-key: ${PLACEHOLDER}\r\n\r\n`
  return {
    async ttfb() {
      let got = ''
      const t0 = process.hrtime.bigint()
      s.write(request)
      let first = 0
      while (!/\r\n\r\n(ok|2\r\nok\r\n0\r\n\r\n)$/.test(got)) {
        got += (await once(s, 'data'))[0].toString('latin1')
        if (!first) first = Number(process.hrtime.bigint() - t0) / 1e6
      }
      if (!got.startsWith('HTTP/1.1 200')) throw new Error(`${path}: ${got.split('\r\n')[0]}`)
      return first
    },
    close: () => s.destroy(),
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const paths = ['direct', 'proxy', 'relay']
const lat = Object.fromEntries(paths.map((p) => [p, []]))
for (let i = 0; i < 20; i++) for (const p of paths) await ttfb(p) // warm up
for (let i = 0; i < ROUNDS; i++) for (const p of paths) lat[p].push(await ttfb(p)) // interleaved: same conditions
const thr = Object.fromEntries(paths.map((p) => [p, []]))
for (let i = 0; i < 5; i++) for (const p of paths) thr[p].push(await throughput(p))

const warm = { tunnel: await warmClient('tunnel'), inject: await warmClient('inject') }
const warmLat = { tunnel: [], inject: [] }
for (let i = 0; i < 20; i++) for (const p of ['tunnel', 'inject']) await warm[p].ttfb() // warm up
for (let i = 0; i < ROUNDS; i++) for (const p of ['tunnel', 'inject']) warmLat[p].push(await warm[p].ttfb())
for (const c of Object.values(warm)) c.close()
// Cold: a new connection per request on both paths (the tunnel pays CONNECT and a TLS handshake each time;
// the injecting proxy reuses its own TLS connection to the API), for the record, not the target.
const coldInject = []
for (let i = 0; i < Math.min(ROUNDS, 50); i++) {
  const c = await warmClient('inject')
  coldInject.push(await c.ttfb())
  c.close()
}

const result = {
  name: 'proxy',
  ttfbMs: Object.fromEntries(paths.map((p) => [p, +median(lat[p]).toFixed(3)])),
  throughputMBps: Object.fromEntries(paths.map((p) => [p, +median(thr[p]).toFixed(0)])),
  credentialTtfbMs: { tunnel: +median(warmLat.tunnel).toFixed(3), inject: +median(warmLat.inject).toFixed(3), coldTunnel: +median(lat.proxy).toFixed(3), coldInject: +median(coldInject).toFixed(3) },
}
result.credentialRatio = +(result.credentialTtfbMs.inject / result.credentialTtfbMs.tunnel).toFixed(3)
result.latencyRatio = +(result.ttfbMs.proxy / result.ttfbMs.direct).toFixed(3)
result.latencyRatioWithRelay = +(result.ttfbMs.relay / result.ttfbMs.direct).toFixed(3)
result.throughputRatio = +(result.throughputMBps.proxy / result.throughputMBps.direct).toFixed(3)
result.throughputRatioWithRelay = +(result.throughputMBps.relay / result.throughputMBps.direct).toFixed(3)
result.targetsMet = result.latencyRatioWithRelay <= 1.2 && result.throughputRatioWithRelay >= 0.8
result.samples = { ttfbMs: lat, throughputMBps: thr, credentialTtfbMs: warmLat, coldInjectMs: coldInject }
process.stdout.write(`${JSON.stringify(result)}\n`)

socat.kill(); proxy.kill(); tls.close(); bulk.close(); api.closeAllConnections(); api.close()
rmSync(dir, { recursive: true, force: true })
