// Parsers for values typed by users (flags and WRAPIX_* variables): each names the flag and the form it expects.
import { WrapixError } from '../errors.js'

export function parseMemoryMb(raw: string, what = '--memory'): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(raw.trim())
  if (!match) throw new WrapixError('usage', `${what} "${raw}" is not a size`, `use MiB (4096) or a unit: 512m, 4g`)
  const n = Number(match[1])
  const unit = (match[2] || 'm').toLowerCase()
  const mb = unit === 'k' ? n / 1024 : unit === 'm' ? n : unit === 'g' ? n * 1024 : n * 1024 * 1024
  if (!Number.isFinite(mb) || mb < 6) throw new WrapixError('usage', `${what} "${raw}" is too small`, 'podman needs at least 6m; the default is 4g')
  return Math.round(mb)
}

export function parseCpus(raw: string, what = '--cpus'): number {
  const n = Number(raw)
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(n > 0)) throw new WrapixError('usage', `${what} "${raw}" is not a positive number`, 'use e.g. --cpus 2 or --cpus 1.5')
  return n
}

export function parsePositiveInt(raw: string, what = '--pids-limit'): number {
  const n = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n <= 0) throw new WrapixError('usage', `${what} "${raw}" is not a positive whole number`, `use e.g. ${what} 4096`)
  return n
}
