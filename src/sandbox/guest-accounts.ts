// The sandbox user's account inside an Apple container VM. ssh and ssh-keygen stop with "No user exists for uid"
// without one, and Apple's `container` has no --passwd-entry: wrapix mounts its own /etc/passwd and /etc/group.
import { FILES_ROOT, type PlannedBind, type PlannedFile, type PlannedUser } from './plan.js'

const PASSWD = `${FILES_ROOT}/session/passwd`
const GROUP = `${FILES_ROOT}/session/group`

/**
 * root, the sandbox user and nobody: the image's other accounts are not listed (files they own show numeric ids),
 * so an image's account that happens to have the host uid cannot give the sandbox user another name or home.
 */
export function guestAccounts(user: PlannedUser, filesDir: string): { files: PlannedFile[]; binds: PlannedBind[] } {
  const passwd = [
    'root:x:0:0:root:/root:/bin/sh',
    ...(user.uid === 0 ? [] : [`${user.name}:x:${user.uid}:${user.gid}:wrapix sandbox:${user.home}:/bin/sh`]),
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  ]
  const group = [
    'root:x:0:',
    ...(user.gid === 0 || user.gid === 65534 ? [] : [`${user.name}:x:${user.gid}:`]),
    'nogroup:x:65534:',
  ]
  const host = (dest: string) => `${filesDir}${dest.slice(FILES_ROOT.length)}`
  return {
    files: [
      { dest: PASSWD, content: `${passwd.join('\n')}\n`, mode: 0o644 },
      { dest: GROUP, content: `${group.join('\n')}\n`, mode: 0o644 },
    ],
    binds: [
      { kind: 'bind', source: host(PASSWD), dest: '/etc/passwd', readOnly: true },
      { kind: 'bind', source: host(GROUP), dest: '/etc/group', readOnly: true },
    ],
  }
}
