// IP literals and CIDR ranges as numbers (pure), and the address ranges the proxy never reaches unasked.
import { isIP } from 'node:net'

export interface IpAddress {
  readonly family: 4 | 6
  readonly value: bigint
}

export interface IpRange {
  readonly family: 4 | 6
  readonly base: bigint // network address (host bits cleared)
  readonly prefix: number
}

const V4_BITS = 32
const V6_BITS = 128

function parseV4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n)
}

function parseV6(text: string): bigint {
  let head = text
  let tailV4: bigint | null = null
  const lastColon = text.lastIndexOf(':')
  if (text.includes('.', lastColon)) {
    tailV4 = parseV4(text.slice(lastColon + 1))
    head = `${text.slice(0, lastColon + 1)}0:0` // placeholder words, replaced below
  }
  const [left = '', right] = head.split('::')
  const leftWords = left === '' ? [] : left.split(':')
  const rightWords = right === undefined || right === '' ? [] : right.split(':')
  const missing = 8 - leftWords.length - rightWords.length
  const words = [...leftWords, ...Array<string>(right === undefined ? 0 : missing).fill('0'), ...rightWords]
  let value = words.reduce((acc, w) => (acc << 16n) | BigInt(parseInt(w, 16)), 0n)
  if (tailV4 !== null) value = (value & ~0xffffffffn) | tailV4
  return value
}

const MAPPED_V4_PREFIX = 0xffffn << 32n

/** Parses an IPv4 or IPv6 literal (brackets and zone ids removed); IPv4-mapped IPv6 becomes IPv4. */
export function parseIp(text: string): IpAddress | null {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')
  const family = isIP(bare)
  if (family === 4) return { family: 4, value: parseV4(bare) }
  if (family !== 6) return null
  const value = parseV6(bare.toLowerCase())
  // ::ffff:a.b.c.d is the same host as a.b.c.d; judging it as IPv6 would dodge every IPv4 range.
  if (value >> 32n === MAPPED_V4_PREFIX >> 32n) return { family: 4, value: value & 0xffffffffn }
  return { family: 6, value }
}

/** Parses "a.b.c.d/n", "x::/n" or a bare address (a /32 or /128). */
export function parseIpRange(text: string): IpRange | null {
  const slash = text.lastIndexOf('/')
  const addrText = slash === -1 ? text : text.slice(0, slash)
  const ip = parseIp(addrText)
  if (!ip) return null
  const bits = ip.family === 4 ? V4_BITS : V6_BITS
  let prefix = bits
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1)
    if (!/^\d{1,3}$/.test(prefixText)) return null
    prefix = Number(prefixText)
    // A mapped IPv4 CIDR like ::ffff:10.0.0.0/104 counts its prefix in IPv6 bits.
    if (ip.family === 4 && isIP(addrText.replace(/^\[(.*)\]$/, '$1')) === 6) prefix -= 96
    if (prefix < 0 || prefix > bits) return null
  }
  return { family: ip.family, base: ip.value & maskOf(ip.family, prefix), prefix }
}

function maskOf(family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(family === 4 ? V4_BITS : V6_BITS)
  const all = (1n << bits) - 1n
  return (all << (bits - BigInt(prefix))) & all
}

export function rangeContains(range: IpRange, ip: IpAddress): boolean {
  return range.family === ip.family && (ip.value & maskOf(ip.family, range.prefix)) === range.base
}

/** Ranges that are not the public internet: loopback, private, link-local (cloud metadata), CGNAT, ULA, … */
const SPECIAL_RANGES: ReadonlyArray<readonly [string, string]> = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.169.254/32', 'cloud metadata'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fd00:ec2::254/128', 'cloud metadata'],
  ['fc00::/7', 'unique local'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
  ['100::/64', 'discard'],
]

export const SPECIAL_RANGE_LIST: ReadonlyArray<{ readonly range: IpRange; readonly cidr: string; readonly label: string }> =
  SPECIAL_RANGES.map(([cidr, label]) => ({ range: parseIpRange(cidr) as IpRange, cidr, label }))

// NAT64 (64:ff9b::/96) carries an IPv4 address in its low bits: judge that address instead.
const NAT64 = parseIpRange('64:ff9b::/96') as IpRange

/** The kind of non-public range an address falls in ("loopback", "private", …), or null if public. */
export function specialRangeOf(ip: IpAddress): string | null {
  if (rangeContains(NAT64, ip)) return specialRangeOf({ family: 4, value: ip.value & 0xffffffffn })
  return SPECIAL_RANGE_LIST.find((s) => rangeContains(s.range, ip))?.label ?? null
}
