#!/bin/sh
# Installs what Toro needs on Debian 12 (Debian packages, npm packages),
# and says nothing when everything is already there.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)

missing=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing="$missing qemu-system-x86"
[ -f /usr/lib/x86_64-linux-musl/libc.a ] || missing="$missing musl-dev"
command -v gcc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"
# flock(1) lets builds started at once take turns building the platform.
command -v flock >/dev/null 2>&1 || missing="$missing util-linux"
# The project's QuickJS patches (platform/quickjs/patches) are applied with patch(1).
command -v patch >/dev/null 2>&1 || missing="$missing patch"
command -v ld >/dev/null 2>&1 || missing="$missing binutils"
# The user network's backend (toro run --net user falls back to QEMU's slirp without it).
command -v passt >/dev/null 2>&1 || missing="$missing passt"
# For the tests: HTTP load (wrk), and a network namespace with a lossy tap (ip, nft).
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
command -v nft >/dev/null 2>&1 || missing="$missing nftables"
# FAT images for --dir and toro disk create: mkfs.fat and fsck.fat (in /usr/sbin), mcopy and friends.
[ -x /usr/sbin/mkfs.fat ] || [ -x /sbin/mkfs.fat ] || command -v mkfs.fat >/dev/null 2>&1 || missing="$missing dosfstools"
command -v mcopy >/dev/null 2>&1 || missing="$missing mtools"
if [ -n "$missing" ]; then
  echo "toro: installing Debian packages:$missing" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
fi

# npm ci again only when the lockfile's content changed since the last one
# (it empties node_modules, which also means rebuilding QuickJS).
# The same for the compatibility suite's packages (test/compat has its own lock file).
for dir in "$root" "$root/test/compat"; do
  stamp="$dir/node_modules/.toro-lock-sha256"
  lock_hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
    echo "toro: installing npm packages ($dir/package-lock.json)" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
    echo "$lock_hash" > "$stamp"
  fi
done
