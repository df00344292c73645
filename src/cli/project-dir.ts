// The project directory a command works on (DIR operand or -C): it must exist and be a directory, everywhere.
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { WrapixError } from '../errors.js'

/** The absolute project directory; `dir` null means the current one (which may have been deleted under us). */
export function projectDir(dir: string | null | undefined, unknownCommand?: (word: string) => WrapixError): string {
  let cwd: string
  try {
    cwd = process.cwd()
  } catch {
    throw new WrapixError('usage', 'the current directory no longer exists', 'cd into an existing directory (or pass the project directory) and run it again')
  }
  const path = resolve(cwd, dir ?? '.')
  let isDir: boolean
  try {
    isDir = statSync(path).isDirectory()
  } catch (err) {
    if (dir && unknownCommand && isBareWord(dir)) throw unknownCommand(dir)
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? 'error'})`
    throw new WrapixError('usage', `project directory ${dir ?? path} ${why}`, 'pass an existing directory, or cd into it first')
  }
  if (!isDir) throw new WrapixError('usage', `${dir ?? path} is not a directory`, 'pass the project directory (wrapix [run] DIR), not a file in it')
  return path
}

/** A word a user could have meant as a command ("logs"), not a path ("./logs", "src/app", "~x"). */
const isBareWord = (word: string): boolean => /^[A-Za-z][A-Za-z0-9_-]*$/.test(word)

/** A name the word starts (or is the start of, from three letters), else the closest within two edits: "did you mean …". */
export function closestName(word: string, names: readonly string[]): string | undefined {
  const prefixed = names.find((name) => word.length >= 3 && (name.startsWith(word) || word.startsWith(name)))
  if (prefixed) return prefixed
  let best: { name: string; distance: number } | undefined
  for (const name of names) {
    const distance = editDistance(word.toLowerCase(), name)
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance }
  }
  return best?.name
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    row = next
  }
  return row[b.length]!
}
