// Which libkrun crun would load (for wrapix doctor): crun dlopens "libkrun.so.1", which libkrun's install links to
// libkrun.so.<full version> (containers/libkrun Makefile, KRUN_BINARY_Linux), so the file name holds the version.
import { readdirSync } from 'node:fs'
import { versionAtLeast } from './apple-container-host.js'

/** libkrun 1.18 is the first whose console handles a terminal session (Enter, resizing at start) correctly. */
export const MIN_LIBKRUN = '1.18.0'
const LIB_DIRS = ['/usr/lib64', '/usr/lib', '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/local/lib64', '/usr/local/lib']

/** The newest libkrun.so.<version> in the usual library directories, or null. */
export function probeLibkrunVersion(dirs: readonly string[] = LIB_DIRS): string | null {
  const found: string[] = []
  for (const dir of dirs) {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      continue
    }
    for (const name of names) {
      const match = /^libkrun\.so\.(\d+\.\d+\.\d+)$/.exec(name)
      if (match) found.push(match[1]!)
    }
  }
  return found.sort((a, b) => (versionAtLeast(a, b) ? -1 : 1))[0] ?? null
}

export function libkrunProblem(version: string | null): { what: string; fix: string } | null {
  if (version === null) return { what: 'libkrun not found (no libkrun.so.<version> in the usual library directories)', fix: `install libkrun ${MIN_LIBKRUN} or later` }
  if (!versionAtLeast(version, MIN_LIBKRUN)) return { what: `libkrun ${version} is older than ${MIN_LIBKRUN} (terminal sessions misbehave)`, fix: `update libkrun to ${MIN_LIBKRUN} or later` }
  return null
}
