#!/bin/sh
# Where /dev/kvm is missing, -M pc must choose emu's own x86 CPU by itself, say so in one line,
# and run the guest: the Multiboot guest, in a user and mount namespace whose /dev is an empty
# tmpfs, ends emu through isa-debug-exit with status 33. Skipped (77) where unprivileged
# namespaces are not allowed.
# Usage: run_without_kvm.sh EMU KERNEL MODULE
emu=$1 kernel=$2 module=$3
unshare -rm true 2>/dev/null || { echo "SKIP: unprivileged user/mount namespaces are not available here"; exit 77; }
out=$(unshare -rm sh -c 'mount -t tmpfs none /dev && exec "$0" -M pc -m 32 -kernel "$1" -initrd "$2" \
    -append "mbtest=hello-42 exit=debug-exit" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -debugcon stdio -serial none -monitor none' "$emu" "$kernel" "$module" 2>&1)
status=$?
echo "$out"
echo "$out" | grep -q "^emu: /dev/kvm: No such file or directory; using emu's own x86 CPU (-accel tcg)$" \
    || { echo "FAIL: no notice that tcg was chosen"; exit 1; }
echo "$out" | grep -q "^PASS multiboot" || { echo "FAIL: the guest did not pass"; exit 1; }
[ "$status" -eq 33 ] || { echo "FAIL: exit status $status, expected 33 (isa-debug-exit)"; exit 1; }
echo "PASS: without /dev/kvm, tcg was chosen with a notice and the guest ran (status 33)"
