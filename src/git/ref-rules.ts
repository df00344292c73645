// Pure rules for bringing refs from the sandbox's git dir back to the host: which names are acceptable,
// how packed-refs and loose ref files read, and which host updates follow from seed, sandbox and host state.

/** Ref namespaces the sandbox may change on the host; anything else (refs/wrapix, refs/replace…) is ignored. */
export const IMPORTABLE_REF_PREFIXES = ['refs/heads/', 'refs/tags/', 'refs/remotes/', 'refs/notes/'] as const
export const STASH_REF = 'refs/stash'

export const oidPattern = (hexLength: number): RegExp => new RegExp(`^[0-9a-f]{${hexLength}}$`)

/**
 * git check-ref-format's rules for a full ref name (git-check-ref-format(1)): no component starting with
 * "." or ending in ".lock", no "..", no control characters, space, ~ ^ : ? * [ \, no "@{", no "//",
 * not ending in "/" or "."; at most 1024 bytes here.
 */
export function isValidRefName(name: string): boolean {
  if (name.length === 0 || name.length > 1024 || name === '@') return false
  if (!name.startsWith('refs/') || name.endsWith('/') || name.endsWith('.')) return false
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false
  return name.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'))
}

export const isImportableRef = (name: string): boolean =>
  isValidRefName(name) && (name === STASH_REF || IMPORTABLE_REF_PREFIXES.some((prefix) => name.startsWith(prefix)))

/**
 * `<oid> <refname>` lines of a packed-refs file; the header and `^<oid>` peel lines are skipped. Names are
 * not validated here (thousands of refs; most unchanged): planRefImport checks every name it acts on.
 */
export function parsePackedRefs(text: string, hexLength: number): Map<string, string> {
  const refs = new Map<string, string>()
  const oid = oidPattern(hexLength)
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue
    const space = line.indexOf(' ')
    const value = line.slice(0, space)
    const name = line.slice(space + 1)
    if (space > 0 && oid.test(value) && name.startsWith('refs/')) refs.set(name, value)
  }
  return refs
}

/** A packed-refs file for `refs` (no header: git sorts an unsorted file itself). */
export const formatPackedRefs = (refs: ReadonlyMap<string, string>): string =>
  [...refs].map(([name, value]) => `${value} ${name}\n`).join('')

export type HeadValue = { readonly kind: 'symbolic'; readonly ref: string } | { readonly kind: 'detached'; readonly oid: string }

/** The contents of a HEAD file: `ref: refs/heads/NAME` or a commit id; null for anything else. */
export function parseHead(text: string, hexLength: number): HeadValue | null {
  const symbolic = /^ref: (\S+)\n?$/.exec(text)
  if (symbolic) return symbolic[1]!.startsWith('refs/heads/') && isValidRefName(symbolic[1]!) ? { kind: 'symbolic', ref: symbolic[1]! } : null
  const oid = text.replace(/\n$/, '')
  return oidPattern(hexLength).test(oid) ? { kind: 'detached', oid } : null
}

export interface RefUpdate {
  readonly ref: string
  readonly newValue: string
  /** The value the host ref must still have (null: it must not exist yet). */
  readonly oldValue: string | null
}

export interface RefPlan {
  /** Applied as they are: the host ref still has the value it had when the session started. */
  readonly updates: readonly RefUpdate[]
  /** Changed on the host during the session too: the sandbox's value goes to a side ref instead. */
  readonly conflicts: readonly (RefUpdate & { readonly wanted: string })[]
  /** Deleted in the sandbox: never deleted on the host (the user decides). */
  readonly deleted: readonly string[]
  /** Names outside the importable namespaces or not valid ref names. */
  readonly ignored: readonly string[]
}

/** Where a conflicting ref of session `sessionId` is kept: refs/wrapix/<session>/<ref without "refs/">. */
export const sideRefOf = (sessionId: string, ref: string): string => `refs/wrapix/${sessionId}/${ref.slice('refs/'.length)}`

/** The host ref updates that bring the sandbox's refs back, given the refs at start and the host's now. */
export function planRefImport(args: {
  seed: ReadonlyMap<string, string>
  sandbox: ReadonlyMap<string, string>
  host: ReadonlyMap<string, string>
  sessionId: string
}): RefPlan {
  const updates: RefUpdate[] = []
  const conflicts: (RefUpdate & { wanted: string })[] = []
  const ignored: string[] = []
  for (const [ref, value] of args.sandbox) {
    const before = args.seed.get(ref) ?? null
    if (value === before) continue
    if (!isImportableRef(ref)) {
      ignored.push(ref)
      continue
    }
    const now = args.host.get(ref) ?? null
    if (now === before) updates.push({ ref, newValue: value, oldValue: before })
    else {
      const side = sideRefOf(args.sessionId, ref)
      conflicts.push({ ref: side, newValue: value, oldValue: args.host.get(side) ?? null, wanted: ref })
    }
  }
  const deleted = [...args.seed.keys()].filter((ref) => !args.sandbox.has(ref) && isImportableRef(ref))
  return { updates, conflicts, deleted, ignored }
}

/** Lines of a reflog (`<old> <new> <ident> <time> <tz>\t<message>`), only those that parse; for refs/stash. */
export function validReflogLines(text: string, hexLength: number): string[] {
  const line = new RegExp(`^[0-9a-f]{${hexLength}} [0-9a-f]{${hexLength}} [^\\n\\0]*$`)
  return text.split('\n').filter((l) => line.test(l))
}
