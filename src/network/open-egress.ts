// open mode: a veth from the session's namespace to the host, NAT out, and nftables rules on the host side
// that drop loopback/private/link-local/metadata destinations and any packet for the host itself.
import { createHash } from 'node:crypto'
import { execa } from 'execa'
import { WrapixError } from '../errors.js'
import { parseIp, rangeContains, specialRangeOf, SPECIAL_RANGE_LIST } from './ip-address.js'

export interface OpenEgressPlan {
  readonly netns: string
  readonly hostIf: string
  readonly sandboxIf: string
  readonly hostAddress: string // the sandbox's gateway
  readonly sandboxAddress: string
  readonly subnet: string // x.y.z.w/30
  readonly table: string // nftables table (inet family), one per session
  /** The host's resolvers the sandbox may query on port 53 even when they sit in a private range. */
  readonly dnsServers: readonly string[]
}

const POOL_BASE = (10 << 24) | (213 << 16) // 10.213.0.0/16, carved into /30s: 16384 sessions

const v4 = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.')

/** The host-side names a session's open egress uses, derived from its id alone (so a later run can remove them). */
export function sessionEgressNames(sessionId: string): { hostIf: string; sandboxIf: string; table: string } {
  const tag = createHash('sha256').update(sessionId).digest('hex').slice(0, 8)
  return { hostIf: `wxh${tag}`, sandboxIf: `wxs${tag}`, table: `wrapix_${tag}` }
}

/** Picks interface names and a /30 that no address in `taken` falls in (pure). */
export function openEgressPlan(sessionId: string, netns: string, taken: readonly string[], resolvConf: string): OpenEgressPlan {
  const hash = createHash('sha256').update(sessionId).digest()
  const names = sessionEgressNames(sessionId)
  const takenIps = taken.map(parseIp).filter((ip) => ip !== null)
  let block = hash.readUInt16BE(4) & 0x3fff
  for (let tries = 0; tries < 0x4000; tries++, block = (block + 1) & 0x3fff) {
    const net = (POOL_BASE + block * 4) >>> 0
    const subnet = `${v4(net)}/30`
    const range = { family: 4 as const, base: BigInt(net), prefix: 30 }
    if (takenIps.some((ip) => rangeContains(range, ip))) continue
    const dnsServers = resolvConf
      .split('\n')
      .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
      .filter((a): a is string => a !== undefined && parseIp(a)?.family === 4 && specialRangeOf(parseIp(a)!) !== 'loopback')
    return {
      netns, ...names, hostAddress: v4(net + 1), sandboxAddress: v4(net + 2), subnet, dnsServers,
    }
  }
  throw new WrapixError('host', 'no free /30 left in 10.213.0.0/16 for an open-mode session', 'stop other sessions')
}

/** The nftables script for one session (pure). Only this table is ever touched; teardown deletes it. */
export function openEgressRuleset(plan: OpenEgressPlan): string {
  // Interval sets refuse overlapping elements: keep only the widest IPv4 ranges.
  const v4Ranges = SPECIAL_RANGE_LIST.filter((s) => s.range.family === 4)
  const blocked = v4Ranges
    .filter((s) => !v4Ranges.some((o) => o !== s && o.range.prefix < s.range.prefix && rangeContains(o.range, { family: 4, value: s.range.base })))
    .map((s) => s.cidr)
  const dns = plan.dnsServers.length > 0 ? `{ ${plan.dnsServers.join(', ')} }` : null
  const dnsAccept = dns ? [`iifname "${plan.hostIf}" ip daddr ${dns} meta l4proto { tcp, udp } th dport 53 accept`] : []
  const lines = [
    `table inet ${plan.table} {`,
    `  set blocked4 { type ipv4_addr; flags interval; elements = { ${blocked.join(', ')} } }`,
    '  chain input {',
    '    type filter hook input priority -5; policy accept;',
    ...dnsAccept.map((l) => `    ${l}`),
    `    iifname "${plan.hostIf}" drop`,
    '  }',
    '  chain forward {',
    '    type filter hook forward priority -5; policy accept;',
    ...dnsAccept.map((l) => `    ${l}`),
    `    iifname "${plan.hostIf}" ip daddr @blocked4 drop`,
    `    iifname "${plan.hostIf}" meta nfproto ipv6 drop`,
    `    oifname "${plan.hostIf}" ct state new drop`,
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority 100; policy accept;',
    `    ip saddr ${plan.subnet} oifname != "${plan.hostIf}" masquerade`,
    '  }',
    '}',
  ]
  return `${lines.join('\n')}\n`
}

async function run(cmd: string, args: string[], input?: string): Promise<void> {
  const r = await execa(cmd, args, { reject: false, ...(input === undefined ? { stdin: 'ignore' as const } : { input }) })
  if (r.failed) {
    throw new WrapixError('host', `open network mode: ${cmd} ${args.join(' ')} failed: ${String(r.stderr ?? '').trim().split('\n')[0]}`, 'open mode needs root, iproute2 and nftables; or use --network limit')
  }
}

/** Addresses and routes already on the host, so the session's /30 cannot shadow one of them. */
export async function hostAddressesInUse(): Promise<string[]> {
  const r = await execa('ip', ['-4', '-o', 'addr', 'show'], { reject: false })
  const routes = await execa('ip', ['-4', 'route', 'show', 'table', 'all'], { reject: false })
  const found = `${r.stdout}\n${routes.stdout}`.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? []
  return [...new Set(found)]
}

export async function setupOpenEgress(plan: OpenEgressPlan): Promise<void> {
  try {
    await run('ip', ['link', 'add', plan.hostIf, 'type', 'veth', 'peer', 'name', plan.sandboxIf, 'netns', plan.netns])
    await run('ip', ['addr', 'add', `${plan.hostAddress}/30`, 'dev', plan.hostIf])
    await run('ip', ['link', 'set', plan.hostIf, 'up'])
    await run('ip', ['-n', plan.netns, 'addr', 'add', `${plan.sandboxAddress}/30`, 'dev', plan.sandboxIf])
    await run('ip', ['-n', plan.netns, 'link', 'set', plan.sandboxIf, 'up'])
    await run('ip', ['-n', plan.netns, 'route', 'add', 'default', 'via', plan.hostAddress])
    // Rules before forwarding: nothing may pass while the filter is missing.
    await run('nft', ['-f', '-'], openEgressRuleset(plan))
    await run('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1'])
  } catch (err) {
    await teardownOpenEgress(plan)
    throw err
  }
}

export async function teardownOpenEgress(plan: OpenEgressPlan): Promise<void> {
  await execa('nft', ['delete', 'table', 'inet', plan.table], { reject: false, stdin: 'ignore' })
  await execa('ip', ['link', 'delete', plan.hostIf], { reject: false, stdin: 'ignore' })
}
