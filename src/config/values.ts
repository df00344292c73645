// Parsers for values typed by users (flags and WRAPIX_* variables) and the one set of bounds that flags,
// variables and config files share (the schema uses RESOURCE_BOUNDS too; host-relative checks are in resolve).
import { WrapixError } from '../errors.js'

/** Static bounds; the host-relative ones (no more CPUs or memory than the host has) are checked when resolving. */
export const RESOURCE_BOUNDS = {
  cpus: { min: 0.01, max: 1024 },
  memoryMb: { min: 6, max: 16 * 1024 * 1024 }, // podman's floor is 6m; 16 TiB is beyond any host
  pidsLimit: { min: 1, max: 4_194_304 }, // the kernel's pid_max ceiling
} as const

export function parseMemoryMb(raw: string, what = '--memory'): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(raw.trim())
  if (!match) throw new WrapixError('usage', `${what} "${raw}" is not a size`, `use MiB (4096) or a unit: 512m, 4g`)
  const n = Number(match[1])
  const unit = (match[2] || 'm').toLowerCase()
  const mb = unit === 'k' ? n / 1024 : unit === 'm' ? n : unit === 'g' ? n * 1024 : n * 1024 * 1024
  const { min, max } = RESOURCE_BOUNDS.memoryMb
  if (!Number.isFinite(mb) || mb < min) throw new WrapixError('usage', `${what} "${raw}" is too small`, 'podman needs at least 6m; the default is 4g')
  if (mb > max) throw new WrapixError('usage', `${what} "${raw}" is too large`, 'use at most what this host has, e.g. 8g')
  return Math.round(mb)
}

export function parseCpus(raw: string, what = '--cpus'): number {
  const n = Number(raw)
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(n > 0)) throw new WrapixError('usage', `${what} "${raw}" is not a positive number`, 'use e.g. --cpus 2 or --cpus 1.5')
  const { min, max } = RESOURCE_BOUNDS.cpus
  if (n < min) throw new WrapixError('usage', `${what} "${raw}" is too small`, `use at least ${min}, e.g. --cpus 0.5`)
  if (n > max) throw new WrapixError('usage', `${what} "${raw}" is too large`, 'use at most the number of CPUs this host has')
  return n
}

export function parsePositiveInt(raw: string, what = '--pids-limit'): number {
  const n = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n <= 0) throw new WrapixError('usage', `${what} "${raw}" is not a positive whole number`, `use e.g. ${what} 4096`)
  if (n > RESOURCE_BOUNDS.pidsLimit.max) throw new WrapixError('usage', `${what} "${raw}" is too large`, `use at most ${RESOURCE_BOUNDS.pidsLimit.max} (e.g. ${what} 4096)`)
  return n
}
