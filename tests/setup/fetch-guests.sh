#!/usr/bin/env bash
# Fetch the real guests the tests boot, from Debian's archive, into a cache directory, without
# installing them on the host: Debian's armhf kernel (linux-image-*-armmp) with its device
# trees and modules, busybox-static:armhf for an initramfs, and U-Boot's qemu_arm build.
# Idempotent: what is already in the cache is kept.
#
# Usage: tests/setup/fetch-guests.sh [cache-dir]   (default: $EMU_GUEST_DIR or ~/.cache/emu/guests)
# Prints nothing but errors and a one-line summary.
set -euo pipefail
cache=${1:-${EMU_GUEST_DIR:-$HOME/.cache/emu/guests}}
mkdir -p "$cache"
script_dir=$(cd "$(dirname "$0")" && pwd)
cd "$cache"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

have_deb() { ls "$1"_*.deb >/dev/null 2>&1; }

# --- armhf packages (need the architecture in apt's list) ---
if ! have_deb linux-image-armmp-stub || ! have_deb busybox-static; then
  if ! dpkg --print-foreign-architectures | grep -qx armhf; then
    $sudo dpkg --add-architecture armhf
  fi
  # The security index for armhf may fail to fetch; main is enough.
  $sudo apt-get update -q >/dev/null 2>&1 || true
  kernel_pkg=$(apt-cache depends linux-image-armmp:armhf 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*-armmp\).*/\1/p' | head -n1)
  [ -n "$kernel_pkg" ] || { echo "fetch-guests: cannot resolve linux-image-armmp:armhf" >&2; exit 1; }
  if ! apt-get download -q "$kernel_pkg:armhf" busybox-static:armhf > download.log 2>&1; then
    cat download.log >&2
    exit 1
  fi
  touch linux-image-armmp-stub_0.deb
fi

if [ ! -d armhf/kernel ]; then
  rm -rf armhf/kernel.tmp && mkdir -p armhf/kernel.tmp
  dpkg -x "$(ls linux-image-[0-9]*armmp*_armhf.deb | head -n1)" armhf/kernel.tmp
  mv armhf/kernel.tmp armhf/kernel
fi
if [ ! -d armhf/busybox ]; then
  rm -rf armhf/busybox.tmp && mkdir -p armhf/busybox.tmp
  dpkg -x "$(ls busybox-static_*_armhf.deb | head -n1)" armhf/busybox.tmp
  mv armhf/busybox.tmp armhf/busybox
fi
ln -sf "$(ls armhf/kernel/boot/vmlinuz-* | head -n1 | sed "s|^|$cache/|")" armhf/zImage

# --- U-Boot (an all-architecture package: install normally, it only adds files) ---
if [ ! -f /usr/lib/u-boot/qemu_arm/u-boot.bin ]; then
  $sudo apt-get install -y -q --no-install-recommends u-boot-qemu >/dev/null
fi

echo "fetch-guests: guests in $cache (kernel $(basename "$(readlink armhf/zImage)"))"
"$script_dir/make-initramfs.sh" "$cache" >/dev/null
