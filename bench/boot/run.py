#!/usr/bin/env python3
"""Boot-to-init time of Debian's armhf kernel + busybox initramfs on emu -M virt and on Debian's
qemu-system-arm -M virt,highmem=off -cpu cortex-a15 (TCG), same kernel, initramfs and command
line; median of N runs each, interleaved, and the ratio emu/QEMU (issue target: <= 3x).
--machine vexpress-a15 compares -M vexpress-a15 on both, with the kernel package's
vexpress-v2p-ca15-tc1.dtb (use --smp 2, as that tree describes two CPUs).
--machine pc or q35 compares emu's own x86 CPU (-accel tcg) with qemu-system-i386 (TCG) on
Debian's i386 kernel and busybox initramfs (tests/setup/fetch-x86-guests.sh; issue #10's
target: <= 4x); with --arch amd64, Debian's amd64 bzImage and initramfs beside
qemu-system-x86_64 (TCG, -cpu qemu64 on both).

Usage: bench/boot/run.py BUILD_DIR [--runs N] [--smp N] [--machine virt|vexpress-a15|pc|q35]
                         [--arch i386|amd64] [--guests DIR]
Writes BUILD_DIR/bench-boot.json (virt) or BUILD_DIR/bench-boot-MACHINE[-amd64].json. Exit 0
whatever the ratio; 1 if a boot failed.
"""
import argparse
import json
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "guests"))
from console import Console, GuestError  # noqa: E402


def boot_time(argv, timeout):
    console = Console(argv)
    try:
        return console.expect("emu-init: reached init", timeout)
    finally:
        console.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smp", default="1")
    parser.add_argument("--machine", choices=["virt", "vexpress-a15", "pc", "q35"], default="virt")
    parser.add_argument("--arch", choices=["i386", "amd64"], default="i386", help="x86 boards only")
    parser.add_argument("--guests", default=os.environ.get("EMU_GUEST_DIR", os.path.expanduser("~/.cache/emu/guests")))
    args = parser.parse_args()
    armhf = os.path.join(args.guests, "armhf")
    x86 = args.machine in ("pc", "q35")
    target = 4 if x86 else 3
    amd64 = x86 and args.arch == "amd64"
    peer = ("qemu-system-x86_64" if amd64 else "qemu-system-i386") if x86 else "qemu-system-arm"
    common = ["-m", "256", "-smp", args.smp, "-kernel", os.path.join(armhf, "zImage"),
              "-initrd", os.path.join(armhf, "initramfs.cpio.gz"), "-append", "console=ttyAMA0", "-nographic"]
    runs = {"emu": [], "qemu": []}
    if x86:
        guest = os.path.join(args.guests, args.arch)
        common = ["-m", "256", "-smp", args.smp, "-kernel", os.path.join(guest, "bzImage"),
                  "-initrd", os.path.join(guest, "initramfs.cpio.gz"), "-append", "console=ttyS0", "-nographic"]
        emu_machine = qemu_machine = ["-M", args.machine, "-accel", "tcg"] + (["-cpu", "qemu64"] if amd64 else [])
    elif args.machine == "vexpress-a15":
        common += ["-dtb", os.path.join(armhf, "kernel/usr/lib/linux-image-6.1.0-50-armmp/vexpress-v2p-ca15-tc1.dtb")]
        emu_machine, qemu_machine = ["-M", "vexpress-a15"], ["-M", "vexpress-a15"]
    else:
        emu_machine, qemu_machine = ["-M", "virt"], ["-M", "virt,highmem=off", "-cpu", "cortex-a15"]
    commands = {"emu": [os.path.join(args.build, "emu")] + emu_machine + common}
    qemu = shutil.which(peer)
    if qemu:
        commands["qemu"] = [qemu] + qemu_machine + common
    try:
        for _ in range(args.runs):
            for name, argv in commands.items():
                runs[name].append(boot_time(argv, 600))
    except GuestError as e:
        print(f"boot failed: {e}")
        return 1
    result = {name: statistics.median(times) for name, times in runs.items() if times}
    print(f"boot to init, -M {args.machine} -smp {args.smp}{' (amd64)' if amd64 else ''}, median of {args.runs}:")
    print(f"  emu   {result['emu']:7.2f} s   runs: {', '.join(f'{t:.2f}' for t in runs['emu'])}")
    if "qemu" in result:
        print(f"  QEMU  {result['qemu']:7.2f} s   runs: {', '.join(f'{t:.2f}' for t in runs['qemu'])}")
        ratio = result["emu"] / result["qemu"]
        print(f"  ratio emu/QEMU {ratio:.2f}x (target <= {target}x: {'met' if ratio <= target else 'missed'})")
        result["ratio"] = ratio
    else:
        print(f"  QEMU  not installed ({peer})")
    result["runs"] = runs
    name = "bench-boot.json" if args.machine == "virt" else f"bench-boot-{args.machine}{'-amd64' if amd64 else ''}.json"
    with open(os.path.join(args.build, name), "w") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
