#!/usr/bin/env bash
# Fetch the x86 guests the direct-boot and Linux tests use, from Debian's archive, into the guest
# cache without installing them on the host: Debian's amd64 kernel (linux-image-amd64's current
# linux-image-*-amd64), its i386 one (linux-image-686's linux-image-*-686, which still has the
# ISA NE2000 driver `ne`) and busybox-static for each, with a busybox initramfs each
# (make-initramfs.sh: the NIC driver modules and a shell on the console). Leaves in <cache>/amd64/:
#   bzImage   the kernel as Debian ships it (/boot/vmlinuz-*), for the bzImage boot protocol
#   vmlinux   the uncompressed ELF unpacked from the bzImage's payload, for the PVH entry
#   busybox/  the unpacked busybox-static package
#   initramfs.cpio.gz
# and in <cache>/i386/ the same without vmlinux.
# Idempotent: what is already in the cache is kept.
#
# Usage: tests/setup/fetch-x86-guests.sh [cache-dir]   (default: $EMU_GUEST_DIR or ~/.cache/emu/guests)
# Prints nothing but errors and a one-line summary.
set -euo pipefail
cache=${1:-${EMU_GUEST_DIR:-$HOME/.cache/emu/guests}}
script_dir=$(cd "$(dirname "$0")" && pwd)

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

have_deb() { ls "$1"_*.deb >/dev/null 2>&1; }

# fetch ARCH FLAVOUR: linux-image-FLAVOUR's kernel and busybox-static of ARCH, unpacked into
# <cache>/ARCH/{kernel,busybox}, and bzImage linked to the kernel.
fetch() {
  local arch=$1 flavour=$2 kernel_pkg
  mkdir -p "$cache/$arch"
  cd "$cache/$arch"
  if ! have_deb "linux-image-$flavour-stub" || ! have_deb busybox-static; then
    # i386 is foreign on an amd64 host: apt needs the architecture in its lists.
    if [ "$arch" != "$(dpkg --print-architecture)" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
      $sudo dpkg --add-architecture "$arch"
    fi
    $sudo apt-get update -q >/dev/null 2>&1 || true
    kernel_pkg=$(apt-cache depends "linux-image-$flavour:$arch" 2>/dev/null |
                 sed -n "s/.*Depends: \(linux-image-[0-9].*-$flavour\)\(:$arch\)\?\$/\1/p" | head -n1)
    [ -n "$kernel_pkg" ] || { echo "fetch-x86-guests: cannot resolve linux-image-$flavour:$arch" >&2; exit 1; }
    if ! apt-get download -q "$kernel_pkg:$arch" "busybox-static:$arch" > download.log 2>&1; then
      cat download.log >&2
      exit 1
    fi
    touch "linux-image-$flavour-stub_0.deb"
  fi
  if [ ! -d kernel ]; then
    rm -rf kernel.tmp && mkdir -p kernel.tmp
    dpkg -x "$(ls linux-image-[0-9]*-"${flavour}"_*_"$arch".deb | head -n1)" kernel.tmp
    mv kernel.tmp kernel
  fi
  if [ ! -d busybox ]; then
    rm -rf busybox.tmp && mkdir -p busybox.tmp
    dpkg -x "$(ls busybox-static_*_"$arch".deb | head -n1)" busybox.tmp
    mv busybox.tmp busybox
  fi
  ln -sf "$(ls "$cache/$arch"/kernel/boot/vmlinuz-* | head -n1)" bzImage
}

fetch i386 686
fetch amd64 amd64
dir=$cache/amd64
cd "$dir"

# --- vmlinux: the bzImage's payload, decompressed ---
# The setup header (Documentation/arch/x86/boot.rst) says where the payload is: payload_offset
# (0x248) counts from the start of the protected-mode code, which follows (setup_sects + 1)
# 512-byte sectors (setup_sects 0 means 4). The compression is told by the payload's magic.
if [ ! -f vmlinux ] || [ bzImage -nt vmlinux ]; then
  need_tool() { command -v "$1" >/dev/null || $sudo apt-get install -y -q --no-install-recommends "$2" >/dev/null; }
  compression=$(python3 - bzImage payload.tmp <<'EOF'
import struct, sys
image = open(sys.argv[1], "rb").read()
if image[0x202:0x206] != b"HdrS" or struct.unpack_from("<H", image, 0x206)[0] < 0x208:
    sys.exit(f"{sys.argv[1]}: not a bzImage with a payload (boot protocol 2.08+)")
setup_sects = image[0x1f1] or 4
offset, length = struct.unpack_from("<II", image, 0x248)
start = (setup_sects + 1) * 512 + offset
payload = image[start:start + length]
if len(payload) != length:
    sys.exit(f"{sys.argv[1]}: truncated payload")
magics = [(b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstd"),
          (b"BZh", "bzip2"), (b"\x5d\x00\x00", "lzma"), (b"\x89LZO", "lzo"), (b"\x02\x21\x4c\x18", "lz4")]
kind = next((name for magic, name in magics if payload.startswith(magic)), None)
if kind is None:
    sys.exit(f"{sys.argv[1]}: unknown payload compression (magic {payload[:6].hex()})")
open(sys.argv[2], "wb").write(payload)
print(kind)
EOF
  )
  # Each format's decoder stops at the end of its stream; the kernel's build appends the
  # uncompressed size (4 bytes) after it, which the tools below ignore or warn about.
  case $compression in
    gzip)  python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.decompressobj(31).decompress(open(sys.argv[1], "rb").read()))' payload.tmp > vmlinux.tmp ;;
    xz)    python3 -c 'import sys, lzma; sys.stdout.buffer.write(lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(open(sys.argv[1], "rb").read()))' payload.tmp > vmlinux.tmp ;;
    lzma)  python3 -c 'import sys, lzma; sys.stdout.buffer.write(lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(open(sys.argv[1], "rb").read()))' payload.tmp > vmlinux.tmp ;;
    bzip2) python3 -c 'import sys, bz2; sys.stdout.buffer.write(bz2.BZ2Decompressor().decompress(open(sys.argv[1], "rb").read()))' payload.tmp > vmlinux.tmp ;;
    zstd)  need_tool zstd zstd; head -c -4 payload.tmp | zstd -d -q -c > vmlinux.tmp ;;
    lz4)   need_tool lz4 lz4; lz4 -d -q -c payload.tmp > vmlinux.tmp 2>/dev/null || true ;;
    lzo)   need_tool lzop lzop; lzop -d -q -c payload.tmp > vmlinux.tmp 2>/dev/null || true ;;
  esac
  rm -f payload.tmp
  if [ "$(head -c 4 vmlinux.tmp | od -An -tx1 | tr -d ' ')" != 7f454c46 ]; then
    echo "fetch-x86-guests: the $compression payload of bzImage did not unpack to an ELF" >&2
    rm -f vmlinux.tmp
    exit 1
  fi
  mv vmlinux.tmp vmlinux
fi

"$script_dir/make-initramfs.sh" "$cache" amd64 >/dev/null
"$script_dir/make-initramfs.sh" "$cache" i386 >/dev/null
echo "fetch-x86-guests: amd64 and i386 guests in $cache (kernels $(basename "$(readlink bzImage)"), $(basename "$(readlink ../i386/bzImage)"), vmlinux $(($(stat -c %s vmlinux) >> 20)) MiB)"
