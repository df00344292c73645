// Local targets for network tests, all on loopback: a TLS server (self-signed cert for *.test names),
// a plain HTTP server, and a sandbox runner that applies a SessionNetwork to `podman run`.
import { createServer as createHttpServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { execa } from 'execa'
import { afterAll, beforeAll } from 'vitest'
import type { Boundary } from '../../src/sandbox/plan.js'
import type { SessionNetwork } from '../../src/network/session-network.js'
import { PROXY_SOCKET_DIR, podmanNetworkArgs } from '../../src/runtime/podman-network.js'
import { proxyRelayLines } from '../../src/sandbox/entrypoint.js'
import { podmanAs } from './podman.js'
import { giveTo, type TestUser } from './test-user.js'

export const TEST_IMAGE = process.env.WRAPIX_TEST_BASE_IMAGE ?? 'localhost/wrapix-base:bookworm'

export const uniqueId = (prefix = 't'): string => `${prefix}${process.pid.toString(36)}${randomBytes(4).toString('hex')}`

export interface Targets {
  readonly dir: string // holds cert.pem (mount it at /certs)
  readonly address: string
  readonly tlsPort: number
  readonly httpPort: number
  close(): Promise<void>
}

const listen = (server: Server, address: string): Promise<number> =>
  new Promise((resolve) => server.listen(0, address, () => resolve((server.address() as AddressInfo).port)))

/** Servers on `address` that answer "<scheme>-ok <Host header>" to every request. */
export async function startTargets(address = '127.0.0.2'): Promise<Targets> {
  const dir = await mkdtemp(join(tmpdir(), 'wrapix-net-'))
  await execa('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=api.test', '-addext', 'subjectAltName=DNS:api.test,DNS:*.wild.test,DNS:wild.test,DNS:proj.test,DNS:s0.test,DNS:s1.test,DNS:s2.test,DNS:s3.test,DNS:s4.test',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')])
  // The certificate is public: a normal test user's sandbox mounts it too (the key stays 0600).
  await chmod(dir, 0o755)
  await chmod(join(dir, 'cert.pem'), 0o644)
  const answer = (scheme: string) => (req: { headers: { host?: string } }, res: { end(s: string): void }) => res.end(`${scheme}-ok ${req.headers.host ?? ''}\n`)
  const tls = createHttpsServer({ key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) }, answer('tls'))
  const http = createHttpServer(answer('http'))
  const [tlsPort, httpPort] = await Promise.all([listen(tls, address), listen(http, address)])
  return {
    dir, address, tlsPort, httpPort,
    async close() {
      tls.closeAllConnections(); http.closeAllConnections()
      await Promise.all([new Promise((r) => tls.close(r)), new Promise((r) => http.close(r))])
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export const RUNTIME: Record<Boundary, string> = { microvm: 'krun', gvisor: 'runsc', container: 'crun' }

/** A session network and the host directory of its proxy socket (null: no proxy, none mode). */
export type SandboxNet = SessionNetwork & { readonly socketDir: string | null }

/**
 * `podman run` argv for a sandbox on this network, hardened as wrapix runs it: wrapix's network options,
 * the proxy socket's directory and the relay that the session entrypoint starts before the command.
 * With a normal user (rootless podman on a host that cannot delegate cgroups), runsc runs without cgroups
 * as wrapix runs it there.
 */
export function sandboxArgv(net: SandboxNet, boundary: Boundary, extra: string[], command: string[], user: TestUser | null = null): string[] {
  const args = podmanNetworkArgs(net.socketDir ? 'limit' : 'none', boundary)
  const relay = net.socketDir ? ['sh', '-c', [...proxyRelayLines(), 'exec "$@"'].join('\n'), 'sh'] : []
  const cgroups = user && boundary === 'gvisor' ? ['--runtime-flag', 'ignore-cgroups'] : []
  return [
    ...args.global, ...cgroups, 'run', '--rm', '--runtime', RUNTIME[boundary],
    '--cap-drop', 'all', '--security-opt', 'no-new-privileges',
    ...args.run, ...Object.entries(net.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...(net.socketDir ? ['--mount', `type=bind,source=${net.socketDir},destination=${PROXY_SOCKET_DIR},ro=true`] : []),
    ...extra, TEST_IMAGE, ...relay, ...command,
  ]
}

/**
 * Hands a session's proxy socket (and its directory) to the normal user whose rootless sandbox mounts it, as
 * wrapix running as that user would own them. The directories above it must let the user pass (0711).
 */
export async function giveSocketTo(net: SandboxNet, user: TestUser | null): Promise<void> {
  if (user && net.socketDir) await giveTo(net.socketDir, user)
}

/** The KEY=VALUE lines a sandboxed script printed (values trimmed). */
export function printedPairs(stdout: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1).trim()
  }
  return out
}

/** Starts the loopback targets for a test file and closes them after it; read `.current` inside tests. */
export function useTargets(address = '127.0.0.2'): { readonly current: Targets } {
  let targets: Targets | undefined
  beforeAll(async () => {
    targets = await startTargets(address)
  })
  afterAll(async () => {
    await targets?.close()
  })
  return {
    get current(): Targets {
      if (!targets) throw new Error('targets are not started yet (use them inside a test)')
      return targets
    },
  }
}

/** Runs a shell script in the sandbox (rootless, as `user`, when given); returns its stdout lines as KEY=VALUE pairs. */
export async function runScript(net: SandboxNet, boundary: Boundary, script: string, extra: string[] = [], user: TestUser | null = null): Promise<Record<string, string>> {
  const argv = sandboxArgv(net, boundary, extra, ['sh', '-c', script], user)
  const r = user ? await podmanAs(user, argv) : await execa('podman', argv, { reject: false, timeout: 90_000 })
  const out = printedPairs(r.stdout)
  if (Object.keys(out).length === 0) throw new Error(`sandbox printed nothing (exit ${r.exitCode}): ${r.stderr}`)
  return out
}

/** curl through the proxy: prints NAME=<http code>/<CONNECT code> (000 when no answer). */
export const curlLine = (name: string, args: string): string =>
  `echo "${name}=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}/%{http_connect}' --cacert /certs/cert.pem ${args})"`
