// The ssh ProxyCommand a limit-mode sandbox uses: CONNECT through the forwarder with python3, or netcat-openbsd.
import { PROXY_PORT } from '../runtime/podman-network.js'
import { SSH_CONNECT_HELPER_PATH, sshConnectHelperScript } from './ssh-proxy-config.js'

/** One ProxyCommand that works in any image with either python3 or netcat-openbsd. */
export function sshProxyCommand(): string {
  const script = `if command -v python3 >/dev/null; then exec python3 ${SSH_CONNECT_HELPER_PATH} "$0" "$1"; else exec nc -X connect -x 127.0.0.1:${PROXY_PORT} "$0" "$1"; fi`
  return `/bin/sh -c '${script}' %h %p`
}

export const SANDBOX_SSH_PROXY_CONFIG = '/etc/wrapix/ssh/proxy.conf'

/** Files and env that send every ssh connection (git over SSH) through the proxy, when no deploy key config does. */
export function sshProxyFiles(): { files: { dest: string; content: string; mode: number }[]; env: Record<string, string> } {
  const config = [
    '# written by wrapix: the sandbox has no route out; ssh goes through the wrapix proxy (HTTP CONNECT),',
    '# which applies the allowlist (e.g. --allow git.example.com:22).',
    'Host *',
    `  ProxyCommand ${sshProxyCommand()}`,
    '',
  ].join('\n')
  return {
    files: [
      { dest: SSH_CONNECT_HELPER_PATH, content: sshConnectHelperScript(), mode: 0o755 },
      { dest: SANDBOX_SSH_PROXY_CONFIG, content: config, mode: 0o644 },
    ],
    env: { GIT_SSH_COMMAND: `ssh -F ${SANDBOX_SSH_PROXY_CONFIG}` },
  }
}
