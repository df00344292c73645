// ssh through the proxy in limit mode: the ProxyCommand (CONNECT through the in-sandbox relay with python3 or
// netcat-openbsd), the python helper it may call, and the ssh config that uses it (pure).
import { PROXY_PORT } from '../runtime/podman-network.js'
import type { PlannedFile } from '../sandbox/plan.js'

/** Where the planner installs the python CONNECT helper, for images without netcat-openbsd. */
export const SSH_CONNECT_HELPER_PATH = '/etc/wrapix/ssh-connect.py'

export const SANDBOX_SSH_PROXY_CONFIG = '/etc/wrapix/ssh/proxy.conf'

/** One ProxyCommand that works in any image with either python3 or netcat-openbsd. */
export function sshProxyCommand(): string {
  const script = `if command -v python3 >/dev/null; then exec python3 ${SSH_CONNECT_HELPER_PATH} "$0" "$1"; else exec nc -X connect -x 127.0.0.1:${PROXY_PORT} "$0" "$1"; fi`
  return `/bin/sh -c '${script}' %h %p`
}

/** The helper sshProxyCommand() runs when the image has python3; a deploy key's own ssh config needs it too. */
export const sshConnectHelperFile = (): PlannedFile => ({ dest: SSH_CONNECT_HELPER_PATH, content: sshConnectHelperScript(), mode: 0o755 })

/** Files and env that send every ssh connection (git over SSH) through the proxy, when no deploy key config does. */
export function sshProxyFiles(): { files: PlannedFile[]; env: Record<string, string> } {
  const config = [
    '# written by wrapix: the sandbox has no route out; ssh goes through the wrapix proxy (HTTP CONNECT),',
    '# which applies the allowlist (e.g. --allow git.example.com:22).',
    'Host *',
    `  ProxyCommand ${sshProxyCommand()}`,
    '',
  ].join('\n')
  return {
    files: [sshConnectHelperFile(), { dest: SANDBOX_SSH_PROXY_CONFIG, content: config, mode: 0o644 }],
    env: { GIT_SSH_COMMAND: `ssh -F ${SANDBOX_SSH_PROXY_CONFIG}` },
  }
}

/** A dependency-free CONNECT relay for ProxyCommand (stdin/stdout <-> tunnel), for images without nc. */
export function sshConnectHelperScript(): string {
  return `#!/usr/bin/python3
# written by wrapix: ssh ProxyCommand that opens HOST:PORT through the proxy with HTTP CONNECT.
import os, select, socket, sys
host, port = sys.argv[1], sys.argv[2]
s = socket.create_connection(("127.0.0.1", ${PROXY_PORT}))
s.sendall(f"CONNECT {host}:{port} HTTP/1.1\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode())
head = b""
while b"\\r\\n\\r\\n" not in head:
    chunk = s.recv(1)
    if not chunk:
        sys.exit("wrapix proxy closed the connection")
    head += chunk
status = head.split(b"\\r\\n", 1)[0]
if b" 200 " not in status + b" ":
    body = s.recv(4096).decode(errors="replace").strip()
    sys.exit(f"{status.decode(errors='replace')}: {body}")
fds = [0, s.fileno()]
while True:
    for fd in select.select(fds, [], [])[0]:
        if fd == 0:
            data = os.read(0, 65536)
            if not data:
                s.shutdown(socket.SHUT_WR); fds.remove(0); continue
            s.sendall(data)
        else:
            data = s.recv(65536)
            if not data:
                sys.exit(0)
            os.write(1, data)
`
}
