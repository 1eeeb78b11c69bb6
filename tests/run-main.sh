#!/usr/bin/env bash
# The main job: install what is needed, build emu, and boot Debian's armhf Linux kernel with a
# busybox initramfs on the ARM `virt` board, on emu's own Cortex-A15 CPU. The guest's console is
# this terminal: try `cat /proc/cpuinfo`, then `poweroff -f` to end emu (Ctrl-A x also quits).
# Usage: tests/run-main.sh [build-dir] [extra emu options...]     (default build dir: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true

tests/setup/install-deps.sh
tests/setup/fetch-guests.sh
guests=${EMU_GUEST_DIR:-$HOME/.cache/emu/guests}/armhf
cmake -S . -B "$build" -G Ninja
cmake --build "$build"
exec "$build"/emu -M virt -m 256 -kernel "$guests/zImage" -initrd "$guests/initramfs.cpio.gz" \
  -append "console=ttyAMA0" -nographic "$@"
