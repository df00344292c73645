// Finding executables on PATH without spawning anything (a spawn costs tens of ms on the start-up path).
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

export function which(name: string, path = process.env.PATH ?? '', extraDirs: readonly string[] = []): string | null {
  for (const dir of [...path.split(delimiter), ...extraDirs]) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return null
}
