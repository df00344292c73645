// Reading config files (the only I/O of config/): a missing file means "defaults"; anything else wrong stops the run.
import { readFileSync, realpathSync } from 'node:fs'
import { WrapixError } from '../errors.js'
import { ConfigSchema, type Config } from './schema.js'
import { parseYamlWith } from './parse-yaml.js'

export interface LoadedFile<T> {
  readonly file: string
  /** Where the file really is (symbolic links resolved): approvals are bound to it. */
  readonly realPath: string
  readonly text: string
  readonly value: T
}

/** The file's text, or null when it does not exist. */
export function readOptionalFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw new WrapixError('config', `cannot read ${file}: ${(err as Error).message}`, `check the file's permissions`, { cause: err })
  }
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
