// Parsing the run flags' raw strings (-e, -v, --env-file, --memory …) into typed RunFlagValues.
import { WrapixError } from '../errors.js'
import { readCapped } from '../fs/read-capped.js'
import { parseHostRule } from '../network/host-rule.js'
import { parseResolveFlags } from '../network/resolve-flags.js'
import type { Mount } from '../config/schema.js'
import { emptyFlags, type RunFlagValues } from '../config/settings.js'
import { parseCpus, parseMemoryMb, parsePositiveInt } from '../config/values.js'
import { AGENT_NAMES, BOUNDARY_SETTINGS, NETWORK_MODES, type AgentName, type BoundarySetting, type NetworkMode } from '../sandbox/plan.js'

/** The raw option values commander collected for `run` and `shell`. */
export interface RawRunOptions {
  profile?: string
  agent?: string
  boundary?: string
  image?: string
  cpus?: string
  memory?: string
  pidsLimit?: string
  network?: string
  env?: string[]
  envFile?: string[]
  volume?: string[]
  allow?: string[]
  deny?: string[]
  resolve?: string[]
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

function choice<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined
  if (!(allowed as readonly string[]).includes(raw)) throw new WrapixError('usage', `${flag} "${raw}" is not valid`, `use one of: ${allowed.join(', ')}`)
  return raw as T
}

/** An env file is small; more than this is a mistake (or /dev/zero). */
export const ENV_FILE_MAX_BYTES = 1024 * 1024

/** Reads an --env-file wrapix itself (Node never sees the flag: see bin/wrapix.js): pipes, FIFOs and devices included. */
export function readEnvFile(file: string): string {
  const result = readCapped(file, ENV_FILE_MAX_BYTES)
  if (result.ok) return result.text
  throw new WrapixError('usage', `--env-file ${file}: ${result.detail}`, result.reason === 'too-large' ? 'an env file holds NAME=VALUE lines; check the path' : 'check the path')
}

/** Every flag is checked here, before anything is prepared or written (a bad --resolve must not leave a record). */
export function parseRunFlags(raw: RawRunOptions, readFile: (file: string) => string = readEnvFile): RunFlagValues {
  const flags = emptyFlags()
  flags.profile = raw.profile
  flags.agent = choice<AgentName>('--agent', raw.agent, AGENT_NAMES)
  flags.boundary = choice<BoundarySetting>('--boundary', raw.boundary, BOUNDARY_SETTINGS)
  flags.network = choice<NetworkMode>('--network', raw.network, NETWORK_MODES)
  flags.image = raw.image
  if (raw.image !== undefined && raw.image.trim() === '') throw new WrapixError('usage', '--image is empty', 'give an image reference, e.g. --image localhost/my-image:latest')
  if (raw.cpus !== undefined) flags.cpus = parseCpus(raw.cpus)
  if (raw.memory !== undefined) flags.memoryMb = parseMemoryMb(raw.memory)
  if (raw.pidsLimit !== undefined) flags.pidsLimit = parsePositiveInt(raw.pidsLimit, '--pids-limit')
  for (const file of raw.envFile ?? []) {
    let text: string
    try {
      text = readFile(file)
    } catch (err) {
      if (err instanceof WrapixError) throw err
      throw new WrapixError('usage', `--env-file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, 'check the path')
    }
    Object.assign(flags.env, parseEnvFile(text, file))
  }
  for (const item of raw.env ?? []) {
    const eq = item.indexOf('=')
    const name = eq === -1 ? item : item.slice(0, eq)
    // The value is never echoed: it is often a secret.
    if (!ENV_NAME.test(name)) throw new WrapixError('usage', `-e ${name}${eq === -1 ? '' : '=…'}: "${name}" is not a variable name`, 'use -e NAME=VALUE, or -e NAME to pass your own NAME')
    if (eq === -1) flags.passEnv.push(name)
    else flags.env[name] = item.slice(eq + 1)
  }
  flags.mounts = (raw.volume ?? []).map(parseVolume)
  flags.allow = (raw.allow ?? []).map((rule) => checkRule(rule, '--allow'))
  flags.deny = (raw.deny ?? []).map((rule) => checkRule(rule, '--deny'))
  flags.resolve = raw.resolve ?? []
  parseResolveFlags(flags.resolve)
  return flags
}

function checkRule(rule: string, flag: '--allow' | '--deny'): string {
  try {
    parseHostRule(rule, flag, flag)
  } catch (err) {
    if (err instanceof WrapixError) throw new WrapixError('usage', err.message, err.hint)
    throw err
  }
  return rule
}

/** `-v SRC:DST[:ro|rw]` (default rw, like docker). */
export function parseVolume(spec: string): Mount & { optional: false } {
  const parts = spec.split(':')
  let mode: 'ro' | 'rw' = 'rw'
  if (parts.length === 3 && (parts[2] === 'ro' || parts[2] === 'rw')) mode = parts.pop() as 'ro' | 'rw'
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new WrapixError('usage', `-v ${spec}: expected SRC:DST or SRC:DST:ro|rw`, 'e.g. -v ~/data:/data:ro (paths cannot contain ":")')
  }
  if (!parts[1].startsWith('/')) throw new WrapixError('usage', `-v ${spec}: destination "${parts[1]}" must be an absolute path`, 'e.g. -v ~/data:/data:ro')
  return { source: parts[0], dest: parts[1], mode, optional: false }
}

/** KEY=VALUE lines; `#` comments, blank lines, `export ` prefixes and one level of quotes are allowed. */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const vars: Record<string, string> = {}
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed)
    if (!match) throw new WrapixError('usage', `--env-file ${file}:${index + 1}: expected NAME=VALUE`, 'fix that line or comment it out with #')
    let value = match[2]!
    const quote = value[0]
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) value = value.slice(1, -1)
    vars[match[1]!] = value
  })
  return vars
}
