// The builder image: Debian + OpenSSH server + Debian's nix-bin, with an init that starts the Nix daemon
// and sshd (pure text and tag); the tag is a hash of the recipe, so a changed recipe builds a new image.
import { createHash } from 'node:crypto'
import type { BuilderSettings } from './builder-settings.js'

export const BUILDER_USER = 'builder'
/** Where the container sees the host-side key directory (read-only). */
export const CONTAINER_KEYS_DIR = '/etc/wrapix-builder'

// Copies keys from the read-only mount into sshd's places with the owners/modes sshd insists on. It is also
// run by `podman exec` after a key rotation, so a running builder picks up the new client key.
const SYNC_KEYS = `#!/bin/sh
set -eu
src=${CONTAINER_KEYS_DIR}
install -m 0600 -o root -g root "$src/ssh_host_ed25519_key" /etc/ssh/wrapix_host_ed25519_key
install -m 0644 -o root -g root "$src/ssh_host_ed25519_key.pub" /etc/ssh/wrapix_host_ed25519_key.pub
install -m 0644 -o root -g root "$src/authorized_keys" /etc/ssh/wrapix_authorized_keys
`

const INIT = `#!/bin/sh
set -eu
/usr/local/sbin/wrapix-builder-sync-keys
mkdir -p /run/sshd /nix/var/nix/daemon-socket
nix-daemon &
exec /usr/sbin/sshd -D -e
`

const SSHD_CONFIG = `# wrapix-builder: key-only logins for one user; everything else off.
HostKey /etc/ssh/wrapix_host_ed25519_key
AuthorizedKeysFile /etc/ssh/wrapix_authorized_keys
AllowUsers ${BUILDER_USER}
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
X11Forwarding no
AllowAgentForwarding no
AllowTcpForwarding no
PermitTunnel no
`

// build-users-group is empty: no nixbld users in a container; the container itself is the boundary.
// sandbox = false: Nix's own build sandbox needs mount privileges the container does not grant.
const NIX_CONF = `build-users-group =
sandbox = false
trusted-users = root ${BUILDER_USER}
experimental-features = nix-command
`

/** Files of the build context (name → content). */
export function builderBuildContext(baseImage: string): Record<string, string> {
  const containerfile = `# wrapix-builder: sshd + nix-daemon, one user "${BUILDER_USER}", key-only logins.
FROM ${baseImage}
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server nix-bin ca-certificates \\
 && rm -rf /var/lib/apt/lists/* /etc/ssh/ssh_host_*
RUN useradd --create-home --shell /bin/bash ${BUILDER_USER} && usermod -p '*' ${BUILDER_USER}
COPY sshd.conf /etc/ssh/sshd_config.d/wrapix-builder.conf
COPY nix.conf /etc/nix/nix.conf
COPY sync-keys.sh /usr/local/sbin/wrapix-builder-sync-keys
COPY init.sh /usr/local/sbin/wrapix-builder-init
RUN chmod 0755 /usr/local/sbin/wrapix-builder-sync-keys /usr/local/sbin/wrapix-builder-init
EXPOSE 22
CMD ["/usr/local/sbin/wrapix-builder-init"]
`
  return { Containerfile: containerfile, 'sshd.conf': SSHD_CONFIG, 'nix.conf': NIX_CONF, 'sync-keys.sh': SYNC_KEYS, 'init.sh': INIT }
}

export function builderImageTag(settings: Pick<BuilderSettings, 'baseImage'>): string {
  const hash = createHash('sha256')
  for (const [file, content] of Object.entries(builderBuildContext(settings.baseImage))) hash.update(`${file}\0${content}\0`)
  return `localhost/wrapix-builder:${hash.digest('hex').slice(0, 16)}`
}
