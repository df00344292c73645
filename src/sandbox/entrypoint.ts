// The session entrypoint script: start the proxy relay, seed the tmpfs home from the session files, run agent
// setup, exec the command.
import { PROXY_PORT, PROXY_SOCKET_DIR, PROXY_SOCKET_NAME } from '../runtime/podman-network.js'
import { HOME_SEED, SECRET_ENV_FILE } from './plan.js'

const RELAY_READY_TRIES = 500 // × 10 ms

/**
 * The relay is the sandbox's only way out: it listens on 127.0.0.1 and forwards each connection to the proxy's
 * mounted unix socket. It starts before anything else runs, and the agent waits until it listens. Killing it
 * leaves the sandbox with no network at all (fail closed).
 */
export function proxyRelayLines(): string[] {
  const hexPort = PROXY_PORT.toString(16).toUpperCase().padStart(4, '0')
  const fail = (why: string) => `{ echo "wrapix: ${why}" >&2; exit 125; }`
  return [
    `command -v socat >/dev/null 2>&1 || ${fail('this image has no socat, which the sandbox needs to reach the network proxy; add socat to the image (apt install socat) or use --network none')}`,
    // -b: socat's default 8 KiB block halves bulk throughput; 128 KiB matches the kernel's socket buffers.
    `socat -b 131072 TCP-LISTEN:${PROXY_PORT},bind=127.0.0.1,fork,reuseaddr,nodelay,backlog=256 UNIX-CONNECT:${PROXY_SOCKET_DIR}/${PROXY_SOCKET_NAME} </dev/null >/dev/null 2>&1 &`,
    // /proc/net/tcp lists 127.0.0.1:PORT in LISTEN state (0A) once the relay is ready.
    `i=0; until grep -q ' 0100007F:${hexPort} 00000000:0000 0A' /proc/net/tcp 2>/dev/null; do i=$((i+1)); [ "$i" -lt ${RELAY_READY_TRIES} ] || ${fail('the network relay did not start')}; sleep 0.01; done`,
  ]
}

/**
 * krun: the relay runs beside the VM (runtime/krun-relay.ts) and the guest reaches it over TCP through the VMM;
 * the agent waits until a connection to it succeeds.
 */
export function relayBesideLines(): string[] {
  const fail = (why: string) => `{ echo "wrapix: ${why}" >&2; exit 125; }`
  return [
    `command -v socat >/dev/null 2>&1 || ${fail('this image has no socat, which the sandbox needs to reach the network proxy; add socat to the image (apt install socat) or use --network none')}`,
    `i=0; until socat -u OPEN:/dev/null TCP:127.0.0.1:${PROXY_PORT},connect-timeout=1 2>/dev/null; do i=$((i+1)); [ "$i" -lt ${RELAY_READY_TRIES} ] || ${fail('the network relay did not answer')}; sleep 0.01; done`,
  ]
}

export interface EntrypointOptions {
  readonly proxyRelay: boolean
  /** krun: the relay is not in the sandbox but beside it; only wait for it. */
  readonly relayBeside?: boolean
  /** krun: the secret variables come from SECRET_ENV_FILE (shell assignments wrapix wrote), not the runtime. */
  readonly secretEnvFile?: boolean
}

export function entrypointScript(setup: readonly string[], opts: EntrypointOptions = { proxyRelay: false }): string {
  return [
    '#!/bin/sh',
    '# wrapix session entrypoint (generated): start the proxy relay, seed $HOME, prepare the agent, then become the command.',
    'set -e',
    ...(opts.secretEnvFile ? [`. ${SECRET_ENV_FILE}`] : []),
    ...(opts.proxyRelay ? (opts.relayBeside ? relayBesideLines() : proxyRelayLines()) : []),
    `if [ -d ${HOME_SEED} ]; then cp -R ${HOME_SEED}/. "$HOME"/; fi`,
    ...setup,
    'exec "$@"',
    '',
  ].join('\n')
}
