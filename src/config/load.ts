// Reading config files (the only I/O of config/): a missing file means "defaults"; anything else wrong stops the run.
import { realpathSync } from 'node:fs'
import { WrapixError } from '../errors.js'
import { readCapped } from '../fs/read-capped.js'
import { ConfigSchema, type Config } from './schema.js'
import { parseYamlWith } from './parse-yaml.js'

export interface LoadedFile<T> {
  readonly file: string
  /** Where the file really is (symbolic links resolved): approvals are bound to it. */
  readonly realPath: string
  readonly text: string
  readonly value: T
}

/** Config and profile files are a few lines; a bigger one is a mistake or an attack on the YAML parser. */
export const CONFIG_MAX_BYTES = 64 * 1024

/** The file's text, or null when it does not exist (a FIFO or device never hangs or floods the parser). */
export function readOptionalFile(file: string): string | null {
  const result = readCapped(file, CONFIG_MAX_BYTES, 2_000)
  if (result.ok) return result.text
  if (result.reason === 'missing') return null
  const hint = result.reason === 'too-large' ? 'a wrapix config or profile is a few lines of YAML; check the file' : `check the file and its permissions`
  throw new WrapixError('config', `cannot read ${file}: ${result.detail}`, hint)
}

export function parseConfig(text: string, file: string): Config {
  if (text.trim() === '') throw new WrapixError('config', `${file}: file is empty`, `delete it, or add settings (see: wrapix config --explain)`)
  return parseYamlWith(ConfigSchema, text, file, `fix ${file}, then check it with: wrapix config`)
}

export function loadConfigFile(file: string): LoadedFile<Config> | null {
  const text = readOptionalFile(file)
  return text === null ? null : { file, realPath: realPathOf(file), text, value: parseConfig(text, file) }
}

/** The file's real path; empty when it vanished meanwhile (then nothing approves it). */
export function realPathOf(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return ''
  }
}
