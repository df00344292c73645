// A fake Apple `container` CLI for Linux test hosts: it answers `--version` and `system status` like
// apple/container 1.2.2 (ReleaseVersion.singleLine; SystemStatus --format json), and for `run` records its argv
// and what a real VM would find at each mount, including an HTTP request through the mounted proxy socket.
// It starts no VM: what runs inside one (the entrypoint, the relay) is not exercised by it.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface FakeRun {
  readonly argv: string[]
  /** `--env NAME` (no value on argv): the value `container` itself received in its environment. */
  readonly inherited: Record<string, string | null>
  /** Each `-v SOURCE:DEST[:OPTS]`: the source's kind, mode, content (files), and its directory's entries. */
  readonly volumes: { spec: string; kind: string; mode: number; content: string | null; siblings: string[] }[]
  /** Each `--mount type=bind,source=…`: whether the source is a directory. */
  readonly bindDirs: Record<string, boolean>
  /** The status line the proxy answered through the mounted socket to a CONNECT to loopback (always refused). */
  readonly proxyAnswer: string | null
}

/** Writes the fake as `container` in `dir`; it appends one JSON line per call to the file in $FAKE_CONTAINER_LOG. */
export function writeFakeContainer(dir: string, opts: { status?: 'running' | 'unregistered'; exitCode?: number } = {}): string {
  const bin = join(dir, 'container')
  const script = `#!/usr/bin/env node
const fs = require('node:fs'), net = require('node:net'), path = require('node:path')
const args = process.argv.slice(2)
const log = (entry) => fs.appendFileSync(process.env.FAKE_CONTAINER_LOG, JSON.stringify(entry) + '\\n')
if (args[0] !== 'run') log({ argv: args })
if (args[0] === '--version') { console.log('container CLI version 1.2.2 (build: release, commit: fake000)'); process.exit(0) }
if (args[0] === 'system' && args[1] === 'status') {
  console.log(JSON.stringify({ status: ${JSON.stringify(opts.status ?? 'running')}, appRoot: '/fake' }))
  process.exit(${opts.status === 'unregistered' ? 1 : 0})
}
if (args[0] !== 'run') process.exit(0)
const valuesOf = (flag) => args.flatMap((a, i) => (a === flag && i + 1 < args.length ? [args[i + 1]] : []))
const inherited = {}
for (const e of valuesOf('--env')) if (!e.includes('=')) inherited[e] = process.env[e] ?? null
const volumes = valuesOf('--volume').map((spec) => {
  const source = spec.split(':')[0]
  const st = fs.statSync(source)
  return { spec, kind: st.isSocket() ? 'socket' : st.isDirectory() ? 'dir' : 'file', mode: st.mode & 0o777,
    content: st.isFile() ? fs.readFileSync(source, 'utf8') : null, siblings: fs.readdirSync(path.dirname(source)) }
})
const bindDirs = {}
for (const m of valuesOf('--mount')) {
  const source = /(?:^|,)source=([^,]*)/.exec(m)?.[1]
  if (source) bindDirs[source] = fs.statSync(source).isDirectory()
}
const socket = volumes.find((v) => v.kind === 'socket')
const done = (proxyAnswer) => { log({ argv: args, inherited, volumes, bindDirs, proxyAnswer }); process.exit(${opts.exitCode ?? 0}) }
if (!socket) done(null)
else {
  const c = net.createConnection(socket.spec.split(':')[0])
  let answer = ''
  c.on('connect', () => c.write('CONNECT 127.0.0.1:9 HTTP/1.1\\r\\nHost: 127.0.0.1:9\\r\\n\\r\\n'))
  c.on('data', (d) => { answer += d; if (answer.includes('\\r\\n')) { c.destroy(); done(answer.split('\\r\\n')[0]) } })
  c.on('error', (e) => done('error: ' + e.message))
}
`
  writeFileSync(bin, script)
  chmodSync(bin, 0o755)
  return bin
}
