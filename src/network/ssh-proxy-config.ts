// The sandbox's ssh client config for limit mode: git hosts reached by CONNECT through the forwarder (pure).
import { PROXY_PORT } from '../runtime/podman-network.js'

/** Where the planner installs the python CONNECT helper when the image has no netcat-openbsd. */
export const SSH_CONNECT_HELPER_PATH = '/etc/wrapix/ssh-connect.py'

export interface SshProxyConfigOptions {
  /** Hosts whose ssh connections go through the proxy; the proxy still decides (e.g. github.com:22). */
  readonly hosts: readonly string[]
  /** `nc`: netcat-openbsd's `nc -X connect` (package netcat-openbsd); `python3`: the helper script below. */
  readonly tool: 'nc' | 'python3'
}

export const DEFAULT_SSH_PROXY_HOSTS: readonly string[] = ['github.com', 'ssh.github.com']

/** Text of an ssh_config snippet (for /etc/ssh/ssh_config.d/ or ~/.ssh/config). */
export function sshProxyConfig(opts: SshProxyConfigOptions): string {
  const command = opts.tool === 'nc'
    ? `nc -X connect -x 127.0.0.1:${PROXY_PORT} %h %p`
    : `/usr/bin/python3 ${SSH_CONNECT_HELPER_PATH} %h %p`
  const lines = [
    '# written by wrapix: in limit mode the sandbox has no route out; ssh to these hosts goes through the',
    '# wrapix proxy with HTTP CONNECT, and the proxy applies the allowlist (e.g. --allow git.example.com:22).',
    `Host ${opts.hosts.join(' ')}`,
    `  ProxyCommand ${command}`,
    '',
  ]
  return lines.join('\n')
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
