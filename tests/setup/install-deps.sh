#!/usr/bin/env bash
# Install what building and testing emu needs, from Debian 12's archive. Idempotent: when every
# package is present it does nothing (and needs no network).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config python3 cpio
  libboost-dev libboost-filesystem-dev libboost-program-options-dev
  libglib2.0-dev libgtest-dev libgmock-dev linux-libc-dev
  libfdt-dev libslirp-dev device-tree-compiler
  hyperfine
  # ARM guests and their references: bare-metal toolchain, Debian's QEMU (peer for the
  # differential tests and benchmarks), U-Boot's qemu builds.
  gcc-arm-none-eabi binutils-arm-none-eabi qemu-user qemu-system-arm u-boot-qemu
  # The client the gdb stub tests drive.
  gdb-multiarch
  # Packaging (tests/packaging): dpkg-shlibdeps and file for CPack, man -l, the package checker.
  dpkg-dev file man-db lintian
  # The net tests read back the pcap files of -object filter-dump.
  tshark
  # iPXE option ROMs: the default romfile= of the PCI NICs, as in QEMU.
  ipxe-qemu
  # SeaBIOS: the pc and q35 boards' default firmware (tests/seabios).
  seabios
  # iasl: the ACPI tests disassemble and recompile the x86 boards' tables with it.
  acpica-tools
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q || echo "install-deps: apt-get update failed; installing from the package lists we have" >&2
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
