#!/usr/bin/env bash
# Build a busybox initramfs for the Linux guest tests from the armhf packages that
# fetch-guests.sh unpacked: /init mounts the pseudo file systems, says it reached init, and
# runs a shell on the console for the test to drive.
# Usage: tests/setup/make-initramfs.sh [cache-dir]   -> <cache-dir>/armhf/initramfs.cpio.gz
set -euo pipefail
cache=${1:-${EMU_GUEST_DIR:-$HOME/.cache/emu/guests}}
out=$cache/armhf/initramfs.cpio.gz
busybox=$cache/armhf/busybox/bin/busybox
[ -x "$busybox" ] || { echo "make-initramfs: $busybox missing (run tests/setup/fetch-guests.sh)" >&2; exit 1; }
[ -f "$out" ] && [ "$out" -nt "$0" ] && exit 0

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,lib/modules}
cp "$busybox" "$root/bin/busybox"
for applet in sh ash mount umount cat echo ls mkdir grep sed awk head tail wc sleep poweroff reboot \
              halt insmod modprobe ip ifconfig udhcpc ping wget md5sum sha256sum dmesg uname free \
              hwclock date nproc tr cut sync dd mknod setsid cttyhack ps kill; do
  ln -sf busybox "$root/bin/$applet"
done
cat > "$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mknod /dev/console c 5 1
echo "emu-init: reached init on $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpu(s)"
export PS1='guest# '
exec setsid cttyhack sh
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out.tmp"
mv "$out.tmp" "$out"
echo "make-initramfs: $out"
