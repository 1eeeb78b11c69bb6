"""Debian's x86 kernel with a busybox initramfs on emu -M pc|q35 with kvm: boots to a shell
(amd64: the vmlinux through PVH; i386: the bzImage), sees -smp CPUs in /proc/cpuinfo and about
-m of memory, `poweroff -f` ends emu with status 0 (ACPI S5 written to the board's PM block), and
with --reboot `reboot -f` boots the kernel a second time first.

Skipped (exit 77, saying why) where the guests are not fetched (tests/setup/fetch-x86-guests.sh),
/dev/kvm is unusable, or the host's kvm is kvm-pvm, which cannot run Linux to init (probed before
booting; EMU_FORCE_LINUX_KVM=1 boots anyway, and a "kvm: emulation failure" before init is then
the skip's reason).

Usage: linux_pc.py EMU [--machine pc|q35] [--accel kvm|tcg] [--smp N] [--memory MiB] [--arch amd64|i386] [--reboot]
"""
import argparse
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from console import Console, GuestError  # noqa: E402
import x86_linux  # noqa: E402


def check_memory(console, memory_mib):
    """MemTotal is the RAM less what the kernel keeps for itself: between 3/4 of -m and -m."""
    console.send("grep MemTotal /proc/meminfo\n")
    console.expect("\n", 10)  # the echoed command line
    at = console.consumed
    console.expect("guest# ", 10)
    match = re.search(rb"MemTotal:\s+(\d+) kB", console.buffer[at:console.consumed])
    if not match:
        raise GuestError(f"no MemTotal in /proc/meminfo\n{console.tail()}")
    total_mib = int(match.group(1)) >> 10
    if not memory_mib * 3 // 4 <= total_mib <= memory_mib:
        raise GuestError(f"MemTotal {total_mib} MiB with -m {memory_mib}")
    print(f"  MemTotal {total_mib} MiB of -m {memory_mib}")


def check_smp_work(console, cpus):
    """Work on every CPU at once: as many pipelines as CPUs (plus one) hash 16 MiB from
    /dev/zero each, so processes migrate, pipes wake readers on other CPUs and the kernel's
    locks are contended. Every hash must be right (a lost update shows as a hang or a wrong sum)."""
    expected = hashlib.md5(bytes(16 << 20)).hexdigest()
    jobs = cpus + 1
    console.send(f"for i in {' '.join(str(i) for i in range(jobs))}; do (dd if=/dev/zero bs=65536 count=256 2>/dev/null | md5sum) & done; "
                 "wait; echo smp-work-$((6*7))\n")  # the echoed line does not show the marker
    console.expect("\n", 10)  # the echoed command line
    at, start = console.consumed, console.elapsed()
    took = console.expect("smp-work-42", 180) - start
    console.expect("guest# ", 10)
    sums = re.findall(rb"\b([0-9a-f]{32})\b", console.buffer[at:console.consumed])
    if len(sums) != jobs or any(s.decode() != expected for s in sums):
        raise GuestError(f"{jobs} parallel md5sums of 16 MiB of zeros: got {sums}\n{console.tail()}")
    print(f"  {jobs} parallel pipelines on {cpus} cpu(s): md5 right, {took:.1f}s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("emu")
    parser.add_argument("--machine", choices=x86_linux.X86_MACHINES, default="pc")
    parser.add_argument("--accel", choices=["kvm", "tcg"], default="kvm",
                        help="tcg: emu's own x86 CPU (no kvm probe)")
    parser.add_argument("--smp", type=int, default=1)
    parser.add_argument("--memory", type=int, default=512)
    parser.add_argument("--arch", choices=["amd64", "i386"], default="amd64")
    parser.add_argument("--reboot", action="store_true")
    parser.add_argument("--boot-timeout", type=float, default=300, help="seconds to wait for init per boot")
    parser.add_argument("--guests", default=x86_linux.guest_dir())
    args = parser.parse_args()
    kernel = x86_linux.kernel_argv(args.guests, args.arch)
    if args.accel == "kvm":
        x86_linux.probe_kvm()

    argv = ([args.emu, "-M", args.machine, "-accel", args.accel, "-smp", str(args.smp), "-m", str(args.memory),
             "-nographic"] + kernel + ([] if args.reboot else ["-no-reboot"]))
    print(" ".join(argv))
    console = Console(argv)
    try:
        boots = 2 if args.reboot else 1
        for boot in range(boots):
            try:
                console.expect("Linux version", 60)
                reached = console.expect("emu-init: reached init", args.boot_timeout)
            except GuestError:
                x86_linux.skip_if_kvm_failed(console)
                raise
            console.expect(f"{args.smp} cpu(s)", 5)
            print(f"boot {boot + 1}: init reached after {reached:.1f}s, {args.smp} cpu(s) in /proc/cpuinfo")
            console.expect("guest# ", 30)
            check_memory(console, args.memory)
            if args.smp > 1 and boot == 0:
                check_smp_work(console, args.smp)
            if boot + 1 < boots:
                console.send("reboot -f\n")
        console.send("poweroff -f\n")
        status = console.wait_exit(60)
        if status != 0:
            raise GuestError(f"emu exited with {status} after poweroff -f, expected 0\n{console.tail()}")
        print("poweroff -f ended emu with status 0")
    except GuestError as e:
        print(f"FAILED: {e}")
        return 1
    finally:
        console.kill()
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
