// What `wrapix-builder config` prints and `setup` installs: an ssh_config Host block and a Nix build machine.
// Text is built purely; applying an action rewrites only wrapix's own marked block in a file.
import { mkdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { WrapixError } from '../errors.js'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { withoutComment } from '../keys/key-pair.js'
import { readFileIfExists } from '../fs/read-if-exists.js'
import { BUILDER_USER } from './builder-image.js'
import type { BuilderRecord } from './builder-keys.js'
import { type BuilderSettings, builderPaths } from './builder-settings.js'

/** The Nix system the builder builds for: the same CPU as the host, Linux. */
export const builderSystem = (arch: string): string => (arch === 'arm64' ? 'aarch64-linux' : 'x86_64-linux')

export function builderSshConfig(settings: BuilderSettings): string {
  const paths = builderPaths(settings)
  return [
    `Host ${settings.name}`,
    `  HostName ${settings.host}`,
    `  Port ${settings.port}`,
    `  User ${BUILDER_USER}`,
    `  IdentityFile ${paths.clientKey}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${paths.knownHosts}`,
    '  StrictHostKeyChecking yes',
    '',
  ].join('\n')
}

/** base64 of the host key line: Nix's `publicHostKey` pins it the same way known_hosts does. */
const publicHostKey = (record: BuilderRecord): string =>
  Buffer.from(`${withoutComment(record.hostPublicKey)}\n`).toString('base64')

export function nixBuildMachine(settings: BuilderSettings, record: BuilderRecord, arch: string): { nix: string; machinesLine: string } {
  const key = builderPaths(settings).clientKey
  const system = builderSystem(arch)
  const nix = [
    'nix.distributedBuilds = true;',
    'nix.buildMachines = [{',
    `  hostName = "${settings.name}"; # the ssh_config Host above (127.0.0.1:${settings.port})`,
    `  sshUser = "${BUILDER_USER}";`,
    `  sshKey = "${key}";`,
    '  protocol = "ssh-ng";',
    `  systems = [ "${system}" ];`,
    '  maxJobs = 4;',
    '  supportedFeatures = [ "big-parallel" ];',
    `  publicHostKey = "${publicHostKey(record)}";`,
    '}];',
    '',
  ].join('\n')
  const machinesLine = `ssh-ng://${BUILDER_USER}@${settings.name} ${system} ${key} 4 1 big-parallel - ${publicHostKey(record)}\n`
  return { nix, machinesLine }
}

export interface SetupAction {
  readonly path: string
  readonly description: string
  readonly content: string // the marked block wrapix owns in that file
  readonly system: boolean // outside the user's home: needs root
}

export interface SetupTarget {
  readonly home: string
  readonly root: string // "/" normally; a temp dir in tests
  readonly arch: string
  readonly nixDarwin: boolean // nix-darwin owns /etc/nix: print the snippet instead of editing
}

export function builderSetupActions(settings: BuilderSettings, record: BuilderRecord, target: SetupTarget): SetupAction[] {
  const machine = nixBuildMachine(settings, record, target.arch)
  const actions: SetupAction[] = [
    { path: join(target.home, '.ssh', 'config'), description: `ssh ${settings.name} reaches the builder`, content: builderSshConfig(settings), system: false },
    // The Nix daemon runs ssh as root: it needs the Host alias too.
    { path: join(target.root, 'etc', 'ssh', 'ssh_config.d', `${settings.name}.conf`), description: 'the Nix daemon (root) reaches the builder', content: builderSshConfig(settings), system: true },
  ]
  if (!target.nixDarwin) {
    actions.push(
      { path: join(target.root, 'etc', 'nix', 'machines'), description: 'Nix knows the build machine', content: machine.machinesLine, system: true },
      { path: join(target.root, 'etc', 'nix', 'nix.conf'), description: 'Nix uses the machines file', content: `builders = @${join(target.root, 'etc', 'nix', 'machines')}\nbuilders-use-substitutes = true\n`, system: true },
    )
  }
  return actions
}

const BEGIN = (id: string): string => `# >>> wrapix-builder ${id} >>>`
const END = (id: string): string => `# <<< wrapix-builder ${id} <<<`

/** `existing` with wrapix's block for `id` replaced (or appended). Other text is kept byte for byte. */
export function withMarkedBlock(existing: string, id: string, content: string): string {
  const block = `${BEGIN(id)}\n${content.endsWith('\n') ? content : `${content}\n`}${END(id)}\n`
  const start = existing.indexOf(BEGIN(id))
  const end = existing.indexOf(END(id))
  if (start >= 0 && end > start) return existing.slice(0, start) + block + existing.slice(end + END(id).length).replace(/^\n/, '')
  const sep = existing === '' || existing.endsWith('\n') ? '' : '\n'
  return `${existing}${sep}${existing === '' ? '' : '\n'}${block}`
}

/** Writes `action`'s block into its file; a file the user may not write is a host error that says to use sudo. */
export async function applySetupAction(action: SetupAction, id: string): Promise<'changed' | 'unchanged'> {
  try {
    return await writeMarkedBlock(action, id)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'EACCES' && code !== 'EPERM') throw err
    throw new WrapixError('host', `no permission to write ${action.path}`, 'run it as root: sudo wrapix-builder setup (or see: wrapix-builder config)', { cause: err })
  }
}

async function writeMarkedBlock(action: SetupAction, id: string): Promise<'changed' | 'unchanged'> {
  const existing = (await readFileIfExists(action.path)) ?? ''
  const next = withMarkedBlock(existing, id, action.content)
  if (next === existing) return 'unchanged'
  await mkdir(dirname(action.path), { recursive: true, mode: action.system ? 0o755 : 0o700 })
  const mode = await stat(action.path).then((s) => s.mode & 0o777, () => (action.system ? 0o644 : 0o600))
  await writeFileAtomic(action.path, next, mode)
  return 'changed'
}
