// After a session: brings the sandbox's git work back to the host — new objects, changed refs, HEAD and
// the index — running git only with wrapix's fixed config (safe-git.ts) and never with the sandbox's dir
// as a git dir. Refs are only moved from the value they had at start; nothing on the host is deleted.
import { randomBytes } from 'node:crypto'
import { readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../fs/atomic-write.js'
import type { GitLayout } from './git-layout.js'
import { importObjects } from './import-objects.js'
import { readRegular, readRegularBytes } from '../fs/read-regular.js'
import { readSessionRefs } from './read-session-git.js'
import { parseHead, planRefImport, STASH_REF, validReflogLines, type RefUpdate } from './ref-rules.js'
import { runSafeGit } from './safe-git.js'
import { fileStamp, type GitSeed } from './seed-session-git.js'

export interface GitImport {
  readonly objects: number
  readonly packs: number
  readonly refsUpdated: string[]
  readonly conflicts: { ref: string; keptAs: string }[]
  readonly notDeleted: string[]
  readonly head: 'unchanged' | 'updated' | 'kept-host' | 'refused'
  readonly index: 'unchanged' | 'updated' | 'refused'
  /** One line each, for the summary: what was refused or needs the user's attention. */
  readonly notes: string[]
}

type Layout = Extract<GitLayout, { kind: 'dir' | 'file' }>

async function hostRefs(gitDir: string): Promise<Map<string, string>> {
  const r = await runSafeGit(['--git-dir', gitDir, 'for-each-ref', '--format=%(refname)%00%(objectname)'])
  if (!r.ok) throw new Error(`cannot list the host's refs: ${r.err.split('\n')[0]}`)
  return new Map(r.out.split('\n').filter(Boolean).map((line) => line.split('\0') as [string, string]))
}

/** The type of each object id in the host's store ("missing" when absent). */
async function objectTypes(commonDir: string, oids: string[]): Promise<Map<string, string>> {
  if (oids.length === 0) return new Map()
  const r = await runSafeGit(['--git-dir', commonDir, 'cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: `${oids.join('\n')}\n` })
  const types = new Map<string, string>()
  for (const line of r.out.split('\n')) {
    const [oid, type] = line.split(' ')
    if (oid && type) types.set(oid, type)
  }
  return types
}

const acceptedType = (ref: string, type: string | undefined): boolean =>
  type === 'commit' || (type === 'tag' && ref.startsWith('refs/tags/'))

const updateLine = (u: RefUpdate, zero: string): string => `update ${u.ref} ${u.newValue} ${u.oldValue ?? zero}\n`

export async function importSessionGit(args: { layout: Layout; sessionGitDir: string; seed: GitSeed; sessionId: string }): Promise<GitImport> {
  const { layout, sessionGitDir: dir, seed } = args
  const notes: string[] = []
  const objects = await importObjects(dir, layout.commonDir, seed.hexLength)
  if (objects.refused.length > 0) notes.push(`refused from the sandbox's git (not valid objects): ${objects.refused.slice(0, 5).join(', ')}`)

  const [sandbox, host] = await Promise.all([readSessionRefs(dir, seed.hexLength), hostRefs(layout.gitDir)])
  const plan = planRefImport({ seed: seed.refs, sandbox, host, sessionId: args.sessionId })
  const sandboxHeadText = (await readRegular(join(dir, 'HEAD'), 4096)) ?? seed.head
  const sandboxHead = sandboxHeadText === seed.head ? null : parseHead(sandboxHeadText, seed.hexLength)
  const types = await objectTypes(layout.commonDir, [
    ...[...plan.updates, ...plan.conflicts].map((u) => u.newValue),
    ...(sandboxHead?.kind === 'detached' ? [sandboxHead.oid] : []),
  ])
  const accept = (u: RefUpdate & { wanted?: string }): boolean => {
    const type = types.get(u.newValue)
    const ok = acceptedType(u.wanted ?? u.ref, type)
    const what = type === undefined || type === 'missing' ? 'a missing object' : `a ${type}`
    if (!ok) notes.push(`not brought back: ${u.wanted ?? u.ref} points to ${what} ${u.newValue.slice(0, 12)}`)
    return ok
  }
  const updates = plan.updates.filter(accept)
  const conflicts = plan.conflicts.filter(accept)
  for (const c of conflicts) notes.push(`${c.wanted} also changed on the host during the session: the sandbox's version is kept as ${c.ref}`)
  if (plan.deleted.length > 0) notes.push(`deleted in the sandbox but kept on the host (delete them yourself if you mean it): ${plan.deleted.join(', ')}`)
  if (plan.ignored.length > 0) notes.push(`refs outside heads/tags/remotes/notes/stash not brought back: ${plan.ignored.slice(0, 5).join(', ')}`)

  const zero = '0'.repeat(seed.hexLength)
  const all = [...updates, ...conflicts]
  let refsUpdated: string[] = []
  if (all.length > 0) {
    const r = await runSafeGit(['--git-dir', layout.gitDir, 'update-ref', '--stdin'], { input: all.map((u) => updateLine(u, zero)).join('') })
    if (r.ok) refsUpdated = all.map((u) => u.ref)
    else notes.push(`refs not brought back (git update-ref: ${r.err.split('\n')[0]})`)
  }
  if (refsUpdated.includes(STASH_REF)) await importStashLog(dir, layout.commonDir, seed.hexLength)

  const head = await importHead(layout, seed, sandboxHead, sandboxHeadText, types, notes)
  const index = await importIndex(layout, dir, seed, notes)
  return {
    objects: objects.loose,
    packs: objects.packs,
    refsUpdated,
    conflicts: conflicts.map((c) => ({ ref: c.wanted, keptAs: c.ref })),
    notDeleted: [...plan.deleted],
    head,
    index,
    notes,
  }
}

/** The stash list lives in the stash ref's reflog: take the sandbox's, keeping only well-formed lines. */
async function importStashLog(dir: string, commonDir: string, hexLength: number): Promise<void> {
  const text = await readRegular(join(dir, 'logs', STASH_REF))
  if (text === null) return
  const lines = validReflogLines(text, hexLength)
  if (lines.length > 0) await writeFileAtomic(join(commonDir, 'logs', STASH_REF), `${lines.join('\n')}\n`)
}

async function importHead(
  layout: Layout,
  seed: GitSeed,
  sandboxHead: ReturnType<typeof parseHead>,
  sandboxHeadText: string,
  types: Map<string, string>,
  notes: string[],
): Promise<GitImport['head']> {
  if (sandboxHeadText === seed.head) return 'unchanged'
  if (sandboxHead === null || (sandboxHead.kind === 'detached' && types.get(sandboxHead.oid) !== 'commit')) {
    notes.push("the sandbox's HEAD was not a branch or a commit: the host's HEAD is unchanged")
    return 'refused'
  }
  const hostHead = await readFile(join(layout.gitDir, 'HEAD'), 'utf8').catch(() => null)
  if (hostHead !== seed.head) {
    notes.push("HEAD also changed on the host during the session: the host's HEAD is kept")
    return 'kept-host'
  }
  const r =
    sandboxHead.kind === 'symbolic'
      ? await runSafeGit(['--git-dir', layout.gitDir, 'symbolic-ref', 'HEAD', sandboxHead.ref])
      : await runSafeGit(['--git-dir', layout.gitDir, 'update-ref', '--no-deref', 'HEAD', sandboxHead.oid])
  if (r.ok) return 'updated'
  notes.push(`HEAD not brought back (git: ${r.err.split('\n')[0]})`)
  return 'refused'
}

/** The sandbox's index replaces the host's when git on the host can read it (a split index cannot be). */
async function importIndex(layout: Layout, dir: string, seed: GitSeed, notes: string[]): Promise<GitImport['index']> {
  const from = join(dir, 'index')
  if ((await fileStamp(from)) === seed.indexId) return 'unchanged'
  const data = await readRegularBytes(from, 1024 * 1024 * 1024)
  if (data === null) return 'unchanged' // removed or replaced by something else: the host keeps its own
  const temp = join(layout.gitDir, `index.wrapix-${randomBytes(6).toString('hex')}`)
  try {
    if (data.subarray(0, 4).toString('latin1') !== 'DIRC') throw new Error('not an index file')
    await writeFile(temp, data, { flag: 'wx', mode: 0o644 })
    // Reads (and so checks) the whole index, but prints nothing: the pathspec matches no entry.
    const check = await runSafeGit(['--git-dir', layout.gitDir, 'ls-files', '--stage', '--', ':(literal)wrapix/index-check/no-such-path'], { env: { GIT_INDEX_FILE: temp } })
    if (!check.ok) throw new Error(check.err.split('\n')[0])
    await rename(temp, join(layout.gitDir, 'index'))
    return 'updated'
  } catch (err) {
    await unlink(temp).catch(() => {})
    notes.push(`the sandbox's index was not brought back (${(err as Error).message}); the host keeps its own`)
    return 'refused'
  }
}
