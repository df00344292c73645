// Single files for Apple's `container` (macOS). `--mount type=bind` takes directories only, and `-v FILE` shares
// the file's whole parent directory with the VM (apple/containerization 0.40, Sources/Containerization/FileMount.swift:
// "shares the file's parent directory via virtiofs"). So every single file is copied into a directory of its own in
// the session directory and mounted from there: the VM sees that one file, never its neighbours (~/.ssh, ~).
import { copyFile, chmod, mkdir, stat } from 'node:fs/promises'
import { basename, dirname, join, relative } from 'node:path'
import { WrapixError } from '../errors.js'
import { PROXY_SOCKET_DIR } from './podman-network.js'
import { FILES_ROOT, type SandboxPlan } from '../sandbox/plan.js'

export interface StagedFile {
  readonly source: string // the host file
  readonly dest: string // where it appears in the sandbox
  readonly staged: string // the copy wrapix mounts (alone in its directory)
}

export type SourceKind = 'dir' | 'file'

export const stagingDir = (plan: Pick<SandboxPlan, 'filesDir'>): string => join(dirname(plan.filesDir), 'staged')

/** Sources the launcher itself creates, so their kind is known before they exist (dry runs). */
export function plannedKind(plan: SandboxPlan, source: string): SourceKind | undefined {
  if (plan.hostDirs.includes(source) || source === plan.git.sessionGitDir) return 'dir'
  if (source === plan.git.dotGitFile) return 'file'
  if (plan.files.some((f) => join(plan.filesDir, relative(FILES_ROOT, f.dest)) === source)) return 'file'
  return undefined
}

/** Pure: which binds are single files, and where each copy goes. A writable single file is refused: a copy cannot write back. */
export function planStaging(plan: SandboxPlan, kindOf: (source: string) => SourceKind): StagedFile[] {
  const staged: StagedFile[] = []
  for (const mount of plan.mounts) {
    if (mount.kind !== 'bind' || mount.dest === PROXY_SOCKET_DIR) continue // the proxy socket is relayed, not shared
    if (kindOf(mount.source) === 'dir') continue
    if (!mount.readOnly) {
      throw new WrapixError('usage', `-v ${mount.source}:${mount.dest}: on macOS a single file can only be mounted read-only`, `mount its directory instead, or add :ro (-v ${mount.source}:${mount.dest}:ro)`)
    }
    staged.push({ source: mount.source, dest: mount.dest, staged: join(stagingDir(plan), String(staged.length), basename(mount.dest)) })
  }
  return staged
}

/** The kind of each bind source as it is now on disk (falls back to what the plan says for files not written yet). */
export async function sourceKinds(plan: SandboxPlan): Promise<(source: string) => SourceKind> {
  const kinds = new Map<string, SourceKind>()
  for (const mount of plan.mounts) {
    if (mount.kind !== 'bind') continue
    const known = plannedKind(plan, mount.source)
    const isDir = await stat(mount.source).then((s) => s.isDirectory(), () => null)
    kinds.set(mount.source, isDir === null ? (known ?? 'dir') : isDir ? 'dir' : 'file')
  }
  return (source) => kinds.get(source) ?? 'dir'
}

/** Copies each staged file into its own 0700 directory, keeping the file's permission bits. */
export async function stageFiles(files: readonly StagedFile[]): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(file.staged), { recursive: true, mode: 0o700 })
    await copyFile(file.source, file.staged)
    await chmod(file.staged, (await stat(file.source)).mode & 0o777)
  }
}
