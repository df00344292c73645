// The config of the sandbox's own git dir, written by wrapix from a safe subset of the host repo's config:
// remotes, branch tracking, identity and work-tree data settings. Never hooks, fsmonitor, filters,
// includes, credential helpers, aliases or anything else that names a program. Pure.

const ALLOWED_KEYS: readonly RegExp[] = [
  /^remote\.(.+)\.(url|pushurl|fetch|push|tagopt|prune)$/,
  /^branch\.(.+)\.(remote|merge|rebase|pushremote)$/,
  /^user\.(name|email)$/,
  /^core\.(filemode|symlinks|ignorecase|precomposeunicode|autocrlf|eol|safecrlf)$/,
]

/** Splits `git config --null --list` output into [key, value] pairs (key lower-cased by git, subsection kept). */
export function parseConfigList(out: string): [string, string][] {
  return out
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const newline = entry.indexOf('\n')
      return newline < 0 ? [entry, 'true'] : [entry.slice(0, newline), entry.slice(newline + 1)]
    })
}

export interface RepoFormat {
  readonly version: string
  readonly objectFormat: 'sha1' | 'sha256'
  /** Why this repository cannot be given a session git dir; null when it can. */
  readonly unsupported: string | null
}

/** Repository format facts from the host config: object format, and extensions wrapix cannot copy. */
export function repoFormatOf(pairs: readonly [string, string][]): RepoFormat {
  const get = (key: string): string | undefined => pairs.findLast(([k]) => k === key)?.[1]
  const objectFormat = (get('extensions.objectformat') ?? 'sha1').toLowerCase()
  const refStorage = get('extensions.refstorage')
  const unsupported =
    objectFormat !== 'sha1' && objectFormat !== 'sha256'
      ? `unknown object format "${objectFormat}"`
      : refStorage !== undefined && refStorage.toLowerCase() !== 'files'
        ? `ref storage "${refStorage}" (only the files backend is supported)`
        : null
  return { version: get('core.repositoryformatversion') === '1' ? '1' : '0', objectFormat: objectFormat === 'sha256' ? 'sha256' : 'sha1', unsupported }
}

const quote = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`
// eslint-disable-next-line no-control-regex
const printable = (text: string): boolean => !/[\x00-\x08\x0b-\x1f\x7f]/.test(text)

/** The config text for the sandbox's git dir. Keys outside the allowlist and odd characters are dropped. */
export function sessionGitConfig(pairs: readonly [string, string][], format: RepoFormat): string {
  const sections = new Map<string, string[]>()
  const add = (header: string, line: string): void => {
    sections.set(header, [...(sections.get(header) ?? []), line])
  }
  add('[core]', `\trepositoryformatversion = ${format.version}`)
  add('[core]', '\tbare = false')
  add('[core]', '\tlogallrefupdates = true')
  if (format.objectFormat === 'sha256') add('[extensions]', '\tobjectformat = sha256')
  for (const [key, value] of pairs) {
    if (!ALLOWED_KEYS.some((re) => re.test(key)) || !printable(value)) continue
    const first = key.indexOf('.')
    const last = key.lastIndexOf('.')
    const section = key.slice(0, first)
    const subsection = first === last ? null : key.slice(first + 1, last)
    if (subsection !== null && (!printable(subsection) || subsection.includes('\n'))) continue
    const header = subsection === null ? `[${section}]` : `[${section} ${quote(subsection)}]`
    add(header, `\t${key.slice(last + 1)} = ${quote(value)}`)
  }
  return [...sections].map(([header, lines]) => `${header}\n${lines.join('\n')}\n`).join('')
}
