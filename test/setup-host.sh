#!/usr/bin/env bash
# Prepares a Debian 12 test host (as root) for wrapix's integration and e2e tests: packages, the three podman
# host fixes (CONTRIBUTING.md, "The test host"), subordinate id ranges, the runsc runtime, the local base
# image and the Claude Code binary. Idempotent: each step checks first and does nothing when its work is done.
set -Eeuo pipefail

BASE_IMAGE=${WRAPIX_TEST_BASE_IMAGE:-localhost/wrapix-base:bookworm}
CACHE_DIR=/var/cache/wrapix-test
DEBIAN_MIRROR=${WRAPIX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CONF_DROPIN=/etc/containers/containers.conf.d/50-wrapix-test-host.conf
BASE_RECIPE=v3 # bump when build_base_image changes what goes into the rootfs
# Tools the tests need inside sandboxes; everything else stays out to keep the image small.
# socat: the in-sandbox relay to the network proxy (limit and open network modes).
BASE_INCLUDE=ca-certificates,curl,git,openssh-client,iproute2,procps,python3-minimal,socat
# The normal user the integration suite also runs wrapix as (rootless podman).
TEST_USER=${WRAPIX_TEST_USER:-wrapix-test}
PACKAGES=(podman crun conmon golang-github-containers-common netavark aardvark-dns iptables nftables uidmap
  slirp4netns passt fuse-overlayfs catatonit socat debootstrap tmux ca-certificates runsc openssh-server
  openssh-client iproute2 git nix-bin)

STEP=start
say() { printf 'setup-host: %-14s %s\n' "$STEP" "$*"; }
fail() { printf 'setup-host: FAILED in step "%s"%s\n' "$STEP" "${1:+: $1}" >&2; exit 1; }
trap 'fail "command failed (line $LINENO): $BASH_COMMAND"' ERR

step_root() {
  STEP=root
  [[ $EUID -eq 0 ]] || fail "run as root (the test host runs rootful podman)"
  say "ok"
}

step_packages() {
  STEP=packages
  local missing=() pkg status
  for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [[ $status == installed ]] || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then say "all ${#PACKAGES[@]} present"; return; fi
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # iptables is listed explicitly: netavark needs it but nothing depends on it (fix 1 of 3).
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "installed ${#missing[@]}"
}

# Fix 2: root here lacks CAP_SYS_RESOURCE, so podman's default ulimits (nofile=1048576) fail in setrlimit.
# A drop-in under containers.conf.d merges with any existing containers.conf without editing it, and it is
# the system config, so wrapix's own podman calls get it too (not only the tests).
step_ulimits() {
  STEP=ulimits
  local nofile nproc want
  nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
  [[ $nofile == unlimited ]] && nofile=1048576
  [[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
  want="# Written by wrapix test/setup-host.sh: this host's root lacks CAP_SYS_RESOURCE, so podman's
# default ulimits fail (setrlimit RLIMIT_NOFILE); stay within the hard limits.
[containers]
default_ulimits = [\"nofile=${nofile}:${nofile}\", \"nproc=${nproc}:${nproc}\"]"
  if [[ -f $CONF_DROPIN && $(<"$CONF_DROPIN") == "$want" ]]; then say "already set (nofile=$nofile nproc=$nproc)"; return; fi
  mkdir -p "$(dirname "$CONF_DROPIN")"
  printf '%s\n' "$want" >"$CONF_DROPIN.tmp" && mv "$CONF_DROPIN.tmp" "$CONF_DROPIN"
  say "wrote $CONF_DROPIN (nofile=$nofile nproc=$nproc)"
}

# Fix 3: on a cgroup v1 hybrid host crun refuses to run while a controller (hugetlb) sits on the cgroup2
# mount. Mounting that controller as a v1 hierarchy moves it off cgroup2. One-way; lost on reboot.
step_cgroups() {
  STEP=cgroups
  local unified=/sys/fs/cgroup/unified/cgroup.controllers ctrl moved=()
  if [[ ! -r $unified ]]; then say "not a v1 hybrid host, nothing to do"; return; fi
  for ctrl in $(<"$unified"); do
    if ! mountpoint -q "/sys/fs/cgroup/$ctrl"; then
      mkdir -p "/sys/fs/cgroup/$ctrl"
      mount -t cgroup -o "$ctrl" cgroup "/sys/fs/cgroup/$ctrl" || fail "mount the $ctrl controller as cgroup v1"
    fi
    moved+=("$ctrl")
  done
  [[ -z $(<"$unified") ]] || fail "controllers still on the cgroup2 mount: $(<"$unified")"
  if ((${#moved[@]})); then say "mounted as v1: ${moved[*]}"; else say "already fine"; fi
}

# Subordinate id ranges: for root, and the `containers:` range rootful `--userns=auto` draws from. wrapix
# invoked as root runs without a user namespace today (src/sandbox/user.ts); user-namespaced containers
# on this host (and rootless podman, which `wrapix doctor` checks) need these ranges.
step_subids() {
  STEP=subids
  local file changed=()
  for file in /etc/subuid /etc/subgid; do
    touch "$file"
    if ! grep -q '^root:' "$file"; then echo 'root:100000:65536' >>"$file"; changed+=("$file:root"); fi
    if ! grep -q '^containers:' "$file"; then echo 'containers:1000000:1000000' >>"$file"; changed+=("$file:containers"); fi
  done
  if ((${#changed[@]})); then say "added ${changed[*]}"; else say "already present"; fi
}

# podman 4.3's built-in runtime table already lists /usr/bin/runsc; only check that it is there.
step_runsc() {
  STEP=runsc
  [[ -x /usr/bin/runsc ]] || fail "/usr/bin/runsc missing (package runsc)"
  say "$(/usr/bin/runsc --version 2>/dev/null | sed -n 1p)"
}

# Builds $BASE_IMAGE with debootstrap (no registry needed). Kept in one function so it can later call
# `wrapix image base` instead, which produces the same tag.
base_key() { printf '%s %s %s' "$BASE_RECIPE" "$BASE_INCLUDE" "$DEBIAN_MIRROR" | sha256sum | cut -c1-12; }

build_base_image() {
  local key tarball root
  # The key names everything that changes the rootfs, so a changed recipe never reuses a stale tarball.
  key=$(base_key)
  tarball=$CACHE_DIR/bookworm-minbase-$key.tar
  mkdir -p "$CACHE_DIR"
  if [[ ! -s $tarball ]]; then
    root=$(mktemp -d /var/tmp/wrapix-rootfs.XXXXXX)
    say "debootstrap bookworm (minbase + $BASE_INCLUDE) ..."
    if ! debootstrap --variant=minbase --include="$BASE_INCLUDE" bookworm "$root" "$DEBIAN_MIRROR" \
      >"$CACHE_DIR/debootstrap.log" 2>&1; then
      rm -rf "$root"; fail "debootstrap failed, see $CACHE_DIR/debootstrap.log"
    fi
    # Docs, man pages and translations are ~60 MB of the rootfs and nothing in a sandbox reads them;
    # the dpkg excludes keep packages installed later (image builds) from bringing them back.
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
      "$root"/var/log/*.log "$root"/debootstrap "$root"/usr/share/locale/* "$root"/usr/share/man/* \
      "$root"/usr/share/info/* "$root"/usr/share/doc/*
    printf '%s\n' 'path-exclude=/usr/share/doc/*' 'path-exclude=/usr/share/man/*' \
      'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/locale/*' \
      >"$root"/etc/dpkg/dpkg.cfg.d/01-wrapix-nodoc
    tar -C "$root" --numeric-owner -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$root"
  fi
  podman import --quiet --change 'CMD ["/bin/bash"]' --change "LABEL wrapix.base-recipe=$key" "$tarball" "$BASE_IMAGE" >/dev/null
}

step_base_image() {
  STEP=base-image
  # The label names the recipe: an image from an older recipe (e.g. without socat) is rebuilt.
  if [[ $(podman image inspect --format '{{index .Labels "wrapix.base-recipe"}}' "$BASE_IMAGE" 2>/dev/null) == "$(base_key)" ]]; then
    say "$BASE_IMAGE present"; return
  fi
  local start=$SECONDS
  build_base_image
  say "built $BASE_IMAGE in $((SECONDS - start)) s ($(podman image inspect --format '{{.Size}}' "$BASE_IMAGE") bytes)"
}

# A normal user with subordinate ids and what rootless podman needs here: a runtime dir (no systemd, so no
# logind to make /run/user/UID), the overlay storage driver (podman 4.3 falls back to the slow vfs driver
# without it) and the base image in the user's own image store.
step_test_user() {
  STEP=test-user
  local uid home runtime_dir conf
  id -u "$TEST_USER" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$TEST_USER"
  uid=$(id -u "$TEST_USER"); home=$(getent passwd "$TEST_USER" | cut -d: -f6)
  for file in /etc/subuid /etc/subgid; do
    grep -q "^$TEST_USER:" "$file" || usermod --add-subuids 300000-365535 --add-subgids 300000-365535 "$TEST_USER"
  done
  runtime_dir=/run/user/$uid
  install -d -m 0700 -o "$TEST_USER" -g "$TEST_USER" /run/user "$runtime_dir" 2>/dev/null || install -d -m 0700 -o "$TEST_USER" -g "$TEST_USER" "$runtime_dir"
  chmod 0755 /run/user
  # Explicit paths: the tests run wrapix with a throwaway HOME and point CONTAINERS_STORAGE_CONF here, so
  # every run shares the user's one image store.
  conf=$home/.config/containers/storage.conf
  local want_conf
  want_conf=$(printf '[storage]\ndriver = "overlay"\ngraphroot = "%s"\nrunroot = "%s"\n' "$home/.local/share/containers/storage" "$runtime_dir/containers")
  if [[ ! -f $conf || $(<"$conf") != "$want_conf" ]]; then
    runuser -u "$TEST_USER" -- mkdir -p "$(dirname "$conf")"
    printf '%s\n' "$want_conf" | runuser -u "$TEST_USER" -- tee "$conf" >/dev/null
  fi
  local as_user=(runuser -u "$TEST_USER" -- env HOME="$home" XDG_RUNTIME_DIR="$runtime_dir" PATH=/usr/local/bin:/usr/bin:/bin)
  local want have
  want=$(podman image inspect --format '{{.Id}}' "$BASE_IMAGE")
  have=$(cd / && "${as_user[@]}" podman image inspect --format '{{.Id}}' "$BASE_IMAGE" 2>/dev/null || true)
  if [[ $want != "$have" ]]; then
    podman save "$BASE_IMAGE" | (cd / && "${as_user[@]}" podman load --quiet >/dev/null 2>&1) || fail "load $BASE_IMAGE for $TEST_USER"
    say "$TEST_USER (uid $uid): loaded $BASE_IMAGE"
  else
    say "$TEST_USER (uid $uid) ready"
  fi
}

# Proves the fixes hold: one trivial container under crun and one under gVisor.
step_smoke() {
  local runtime out flags
  for runtime in crun runsc; do
    STEP="smoke-$runtime"
    flags=()
    # runsc's own network must be off: its default (netstack copying the netns's interfaces) fails on
    # kernels >= 6.x, where /proc/sys/net/core/rmem_default exists in every netns and runsc takes that to
    # mean "root network namespace". See test/helpers/podman.ts.
    [[ $runtime == runsc ]] && flags=(--runtime-flag network=none)
    out=$(podman "${flags[@]}" run --rm --network none --runtime "$runtime" "$BASE_IMAGE" true 2>&1) ||
      fail "podman run --runtime $runtime $BASE_IMAGE true: $out"
    say "ok"
  done
}

# The real Claude Code binary for the e2e tests (test/e2e), from the npm registry, in the version the
# transcript fixtures were made with. Separate from the image steps: nothing else needs it.
step_claude_code() {
  STEP=claude-code
  local dir=${WRAPIX_TEST_CLAUDE_DIR:-$CACHE_DIR/claude} version
  version=$(sed -n "s/^export const CLAUDE_VERSION = '\(.*\)'$/\1/p" "$(dirname "$0")/fixtures/claude-transcripts/regenerate.ts")
  [[ -n $version ]] || fail "CLAUDE_VERSION not found in test/fixtures/claude-transcripts/regenerate.ts"
  if [[ -x $dir/node_modules/@anthropic-ai/claude-code-linux-x64/claude ]] &&
    grep -q "\"version\": \"$version\"" "$dir/node_modules/@anthropic-ai/claude-code/package.json" 2>/dev/null; then
    say "claude-code $version present"; return
  fi
  command -v npm >/dev/null || fail "npm is needed to install @anthropic-ai/claude-code"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund "@anthropic-ai/claude-code@$version" >/dev/null
  say "installed claude-code $version in $dir"
}

step_root
# Several engineers (and CI) may run this at once: one at a time.
exec 9>/var/lock/wrapix-setup-host.lock
flock 9
step_packages
step_ulimits
step_cgroups
step_subids
step_runsc
step_base_image
step_test_user
step_smoke
step_claude_code
STEP=done
say "test host ready"
