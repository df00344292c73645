// The project a ralph command works on: -C DIR or the current directory, as its real path.
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import { WrapixError } from '../errors.js'

export function ralphProject(dir: string | undefined): string {
  const path = resolve(dir ?? '.')
  try {
    return realpathSync(path)
  } catch {
    throw new WrapixError('usage', `project directory ${path} does not exist`, 'run ralph inside your project, or name it with -C DIR')
  }
}

/** "90s", "30m", "1h", "500ms"; a plain number is seconds. */
export function parseDurationMs(raw: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim())
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
  const value = match ? Number(match[1]) * units[match[2] ?? 's']! : NaN
  if (!(value >= 1)) throw new WrapixError('usage', `${flag} "${raw}" is not a duration`, 'use e.g. 90s, 30m or 1h')
  return Math.round(value)
}
