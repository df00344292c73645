// The host-side forwarder cannot be made to fork without bound: idle connections from inside a session's
// namespace get at most the cap of socat relays; the rest wait in the listen backlog.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { effectivePolicy } from '../../../src/network/effective-policy.js'
import { startForwarder } from '../../../src/network/forwarder.js'
import type { Forwarder } from '../../../src/network/forwarder.js'
import { createNetns, deleteNetns } from '../../../src/network/netns.js'
import { startProxy } from '../../../src/network/proxy.js'
import type { RunningProxy } from '../../../src/network/proxy.js'
import { uniqueId } from '../../helpers/network-targets.js'

const CAP = 4
const OPENED = 40
const netns = `wrapix-${uniqueId('cap')}`
let dir: string
let proxy: RunningProxy
let forwarder: Forwarder

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wrapix-fwd-cap-'))
  await createNetns(netns)
  const { policy } = effectivePolicy({ profileName: 'base', profile: null, user: null, project: null, allow: [], deny: [], mode: 'limit' })
  proxy = await startProxy({ socketPath: join(dir, 'p.sock'), policy, auditPath: join(dir, 'audit.jsonl'), lookup: async () => [] })
  forwarder = await startForwarder(netns, proxy.socketPath, 3128, 5000, CAP)
})
afterAll(async () => {
  await forwarder?.stop()
  await proxy?.close()
  await deleteNetns(netns)
  await rm(dir, { recursive: true, force: true })
})

const children = async (pid: number): Promise<number> =>
  (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).trim().split(/\s+/).filter(Boolean).length

it(`runs at most ${CAP} host relays for ${OPENED} idle connections from the sandbox's namespace`, async () => {
  // A client inside the namespace opens OPENED connections and holds them idle.
  const script = `const net=require('net');let n=0;for(let i=0;i<${OPENED};i++){const s=net.connect(3128,'127.0.0.1');s.on('connect',()=>{if(++n===${OPENED})console.log('open')});s.on('error',()=>{})}setTimeout(()=>process.exit(0),4000)`
  const client = execa('ip', ['netns', 'exec', netns, process.execPath, '-e', script], { reject: false })
  await new Promise((r) => setTimeout(r, 2000))
  const relays = await children(forwarder.pid)
  await client
  expect(relays).toBeGreaterThan(0)
  expect(relays).toBeLessThanOrEqual(CAP)
}, 30_000)
