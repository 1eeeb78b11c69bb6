#!/usr/bin/env bash
# Build a busybox initramfs for the Linux guest tests from the packages that fetch-guests.sh
# (armhf) or fetch-x86-guests.sh (amd64, i386) unpacked: /init mounts the pseudo file systems,
# says it reached init, and runs a shell on the console for the test to drive. The kernel's own
# NIC driver modules (and what they depend on) are included with a modules.dep, so
# `modprobe e1000` works, and udhcpc has a script that configures the interface and prints
# "emu-dhcp: IFACE IP".
# Usage: tests/setup/make-initramfs.sh [cache-dir] [armhf|amd64|i386]
#          -> <cache-dir>/<arch>/initramfs.cpio.gz
set -euo pipefail
cache=${1:-${EMU_GUEST_DIR:-$HOME/.cache/emu/guests}}
arch=${2:-armhf}
case $arch in
  armhf) fetch=fetch-guests.sh
         nics="e1000 virtio_net virtio_mmio virtio_pci 8139cp 8139too ne2k-pci smsc911x" ;;
  # Debian's amd64 kernel has no ISA `ne` driver (CONFIG_NE2000 needs ISA, which x86-64 lacks);
  # the i386 (686) kernel has it, for the ne2k_isa test.
  amd64) fetch=fetch-x86-guests.sh
         nics="e1000 virtio_net virtio_pci 8139cp 8139too ne2k-pci" ;;
  i386)  fetch=fetch-x86-guests.sh
         nics="e1000 virtio_net virtio_pci 8139cp 8139too ne2k-pci ne" ;;
  *) echo "make-initramfs: unknown architecture $arch (armhf, amd64 or i386)" >&2; exit 1 ;;
esac
out=$cache/$arch/initramfs.cpio.gz
busybox=$cache/$arch/busybox/bin/busybox
[ -x "$busybox" ] || { echo "make-initramfs: $busybox missing (run tests/setup/$fetch)" >&2; exit 1; }
kernel_dir=$cache/$arch/kernel
[ -f "$out" ] && [ "$out" -nt "$0" ] && [ "$out" -nt "$kernel_dir" ] && exit 0

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,lib/modules}
cp "$busybox" "$root/bin/busybox"
for applet in sh ash mount umount cat echo ls mkdir grep sed awk head tail wc sleep poweroff reboot \
              halt insmod modprobe ip ifconfig udhcpc ping wget md5sum sha256sum dmesg uname free \
              hwclock date nproc tr cut sync dd mknod setsid cttyhack ps kill rmmod lsmod nc tee \
              seq cmp time base64; do
  ln -sf busybox "$root/bin/$applet"
done
# NIC drivers the network tests load, resolved with their dependencies from each module's
# .modinfo "depends=" (no kmod needed on the host), into a busybox-readable modules.dep.
modules=$(ls -d "$kernel_dir"/lib/modules/* 2>/dev/null | head -1)
if [ -n "$modules" ]; then
  python3 - "$modules" "$root/lib/modules/$(basename "$modules")" $nics <<'PY'
import os, re, shutil, sys
src, dst, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
# What the kernel has built in needs no module (and modprobe knows it from modules.builtin).
builtin = set()
if os.path.exists(os.path.join(src, "modules.builtin")):
    for line in open(os.path.join(src, "modules.builtin")):
        builtin.add(os.path.basename(line.strip())[:-3].replace("-", "_"))
    os.makedirs(dst, exist_ok=True)
    shutil.copy(os.path.join(src, "modules.builtin"), dst)
paths = {}
for dirpath, _, files in os.walk(os.path.join(src, "kernel")):
    for f in files:
        if f.endswith(".ko"):
            paths[f[:-3].replace("-", "_")] = os.path.join(dirpath, f)
def depends(path):
    data = open(path, "rb").read()
    m = re.search(rb"\0depends=([^\0]*)\0", data)
    return [d for d in (m.group(1).decode().split(",") if m else []) if d]
order, seen = [], set()
def visit(name):
    key = name.replace("-", "_")
    if key in seen or key in builtin: return
    seen.add(key)
    if key not in paths: sys.exit(f"make-initramfs: module {name} not in {src}")
    for dep in depends(paths[key]): visit(dep)
    order.append(key)
for name in wanted: visit(name)
lines = []
for key in order:
    rel = os.path.relpath(paths[key], src)
    os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
    shutil.copy(paths[key], os.path.join(dst, rel))
    # The whole closure, as depmod writes it: modprobe loads it from the right, so every module
    # stands left of what it needs (virtio_pci needs virtio, which needs virtio_ring: the
    # reverse of a depth-first post-order).
    closure = []
    def close(mod):
        for d in depends(paths[mod]):
            d = d.replace("-", "_")
            if d not in closure and d not in builtin:
                close(d)
                closure.append(d)
    close(key)
    deps = [os.path.relpath(paths[d], src) for d in reversed(closure)]
    lines.append(rel + ": " + " ".join(deps))
open(os.path.join(dst, "modules.dep"), "w").write("\n".join(lines) + "\n")
PY
fi
mkdir -p "$root/etc/udhcpc"
cat > "$root/etc/udhcpc/default.script" <<'DHCP'
#!/bin/sh
case "$1" in
  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
    for d in $dns; do echo "nameserver $d"; done > /etc/resolv.conf
    echo "emu-dhcp: $interface $ip" ;;
esac
DHCP
chmod +x "$root/etc/udhcpc/default.script"
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
