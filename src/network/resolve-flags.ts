// `--resolve HOST:ADDRESS` (like curl's): host-side name overrides for the proxy. Never settable from inside.
import { isIP } from 'node:net'
import { WrapixError } from '../errors.js'

export function parseResolveFlags(items: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {}
  for (const item of items) {
    const colon = item.indexOf(':')
    const host = colon === -1 ? '' : item.slice(0, colon).trim().toLowerCase().replace(/\.$/, '')
    const address = colon === -1 ? '' : item.slice(colon + 1).trim().replace(/^\[(.*)\]$/, '$1')
    if (!host || !/^[a-z0-9.-]+$/.test(host)) throw new WrapixError('usage', `--resolve ${item}: expected HOST:ADDRESS`, 'e.g. --resolve api.test:127.0.0.2')
    if (isIP(address) === 0) throw new WrapixError('usage', `--resolve ${item}: "${address}" is not an IP address`, 'e.g. --resolve api.test:127.0.0.2')
    map[host] = address
  }
  return map
}
