// Before a session: the sandbox's own git dir, in wrapix's private session directory on the host. It holds
// copies of HEAD, index and refs, a config wrapix writes, and an alternates file naming the host's object
// store (mounted read-only), so nothing of the object store is copied and the host's .git stays out of reach.
import { constants } from 'node:fs'
import { copyFile, lstat, mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { GitLayout } from './git-layout.js'
import { formatPackedRefs, STASH_REF } from './ref-rules.js'
import { runSafeGit } from './safe-git.js'
import { parseConfigList, repoFormatOf, sessionGitConfig } from './session-git-config.js'

/** What the session started with, kept by the launcher (never read back from the sandbox's dir). */
export interface GitSeed {
  readonly refs: ReadonlyMap<string, string>
  readonly head: string
  readonly hexLength: 40 | 64
  /** lstat identity of the sandbox's index after the copy; another identity at the end means it was written. */
  readonly indexId: string | null
}

export type SeedResult = { readonly ok: true; readonly seed: GitSeed } | { readonly ok: false; readonly reason: string }

export interface SeedTarget {
  readonly layout: Extract<GitLayout, { kind: 'dir' | 'file' }>
  /** Host path of the sandbox's git dir (created here). */
  readonly sessionGitDir: string
  /** Path of the host's object store as the sandbox sees it. */
  readonly sandboxObjectsPath: string
}

/** Identity of a file for "was it rewritten": device, inode, size, mtime. null when absent. */
export async function fileStamp(path: string): Promise<string | null> {
  try {
    const s = await lstat(path, { bigint: true })
    return s.isFile() ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}` : null
  } catch {
    return null
  }
}

async function copyIfRegular(from: string, to: string): Promise<boolean> {
  try {
    if (!(await lstat(from)).isFile()) return false
  } catch {
    return false
  }
  await mkdir(dirname(to), { recursive: true, mode: 0o755 })
  await copyFile(from, to, constants.COPYFILE_FICLONE)
  return true
}

/** Fills `target.sessionGitDir`; an empty dir (git in the sandbox then finds no repository) when unsupported. */
export async function seedSessionGit(target: SeedTarget): Promise<SeedResult> {
  const { layout, sessionGitDir: dir } = target
  await mkdir(dir, { recursive: true, mode: 0o755 })
  const [config, refList, head] = await Promise.all([
    runSafeGit(['config', '--file', join(layout.commonDir, 'config'), '--null', '--list']),
    runSafeGit(['--git-dir', layout.gitDir, 'for-each-ref', '--format=%(refname)%00%(objectname)%00%(symref)']),
    readFile(join(layout.gitDir, 'HEAD'), 'utf8').catch(() => null),
  ])
  if (!config.ok) return { ok: false, reason: `cannot read ${join(layout.commonDir, 'config')}: ${config.err.split('\n')[0]}` }
  if (!refList.ok) return { ok: false, reason: `cannot list the refs: ${refList.err.split('\n')[0]}` }
  if (head === null) return { ok: false, reason: `${join(layout.gitDir, 'HEAD')} is missing` }
  const pairs = parseConfigList(config.out)
  const format = repoFormatOf(pairs)
  if (format.unsupported) return { ok: false, reason: format.unsupported }

  const refs = new Map<string, string>()
  const symbolic: [string, string][] = []
  for (const line of refList.out.split('\n')) {
    const [name, value, symref] = line.split('\0')
    if (!name || !value) continue
    if (symref) symbolic.push([name, symref])
    else refs.set(name, value)
  }
  for (const sub of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags', 'info', 'logs/refs']) {
    await mkdir(join(dir, sub), { recursive: true, mode: 0o755 })
  }
  await Promise.all([
    writeFile(join(dir, 'HEAD'), head),
    writeFile(join(dir, 'config'), sessionGitConfig(pairs, format)),
    writeFile(join(dir, 'packed-refs'), formatPackedRefs(refs)),
    writeFile(join(dir, 'objects', 'info', 'alternates'), `${target.sandboxObjectsPath}\n`),
    ...symbolic.map(async ([name, to]) => {
      await mkdir(dirname(join(dir, name)), { recursive: true, mode: 0o755 })
      await writeFile(join(dir, name), `ref: ${to}\n`)
    }),
    copyIfRegular(join(layout.commonDir, 'info', 'exclude'), join(dir, 'info', 'exclude')),
    copyIfRegular(join(layout.commonDir, 'shallow'), join(dir, 'shallow')),
    copyIfRegular(join(layout.commonDir, 'logs', STASH_REF), join(dir, 'logs', STASH_REF)),
    copyIfRegular(join(layout.gitDir, 'index'), join(dir, 'index')),
  ])
  return {
    ok: true,
    seed: { refs, head, hexLength: format.objectFormat === 'sha256' ? 64 : 40, indexId: await fileStamp(join(dir, 'index')) },
  }
}
