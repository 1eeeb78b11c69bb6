"""Debian's armhf kernel (linux-image-*-armmp) with the same package's vexpress-v2p-ca15-tc1.dtb
and a busybox initramfs on emu -M vexpress-a15 -smp 2: boots to a shell, sees both CPUs (the
secondary is released through the boot monitor's SYS_FLAGS) and the memory -m gave, finds the
board's devices (PL031 RTC, SP804 timers, the configuration bus's oscillators), `reboot -f`
boots the kernel again through the configuration bus's reboot function, and `poweroff -f` ends
emu with status 0 through its shutdown function. With --no-reboot, `reboot -f` ends emu (0).

Usage: linux_vexpress.py EMU [--smp N] [--memory MiB] [--no-reboot]
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "guests"))
from console import Console, GuestError, skip  # noqa: E402

DTB = "kernel/usr/lib/linux-image-6.1.0-50-armmp/vexpress-v2p-ca15-tc1.dtb"


def run(console, command, expect, timeout=20):
    console.send(command + "\n")
    console.expect(expect, timeout)
    console.expect("guest# ", timeout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("emu")
    parser.add_argument("--smp", default="2")
    parser.add_argument("--memory", default="256")
    parser.add_argument("--no-reboot", action="store_true")
    parser.add_argument("--guests", default=os.environ.get("EMU_GUEST_DIR", os.path.expanduser("~/.cache/emu/guests")))
    args = parser.parse_args()
    armhf = os.path.join(args.guests, "armhf")
    zimage, initrd, dtb = (os.path.join(armhf, f) for f in ("zImage", "initramfs.cpio.gz", DTB))
    for f in (zimage, initrd, dtb):
        if not os.path.exists(f):
            skip(f"{f} not found (run tests/setup/fetch-guests.sh)")

    console = Console([args.emu, "-M", "vexpress-a15", "-smp", args.smp, "-m", args.memory, "-kernel", zimage,
                       "-dtb", dtb, "-initrd", initrd, "-append", "console=ttyAMA0 panic=-1", "-nographic"]
                      + (["-no-reboot"] if args.no_reboot else []))
    try:
        boots = 1 if args.no_reboot else 2
        for boot in range(boots):
            console.expect("Linux version", 300)
            console.expect("Machine model: V2P-CA15", 30)
            reached = console.expect("emu-init: reached init", 300)
            console.expect(f"{args.smp} cpu(s)", 5)
            print(f"boot {boot + 1}: init reached after {reached:.1f}s with {args.smp} CPUs")
            console.expect("guest# ", 30)
            console.send("grep MemTotal /proc/meminfo\n")
            console.expect("MemTotal:", 10)
            at = console.consumed
            console.expect("guest# ", 10)
            kib = int(re.search(rb"(\d+) kB", console.buffer[at:console.consumed]).group(1))
            if not int(args.memory) * 1024 * 0.8 < kib <= int(args.memory) * 1024:
                raise GuestError(f"MemTotal {kib} kB does not fit -m {args.memory}\n{console.tail()}")
            print(f"MemTotal {kib} kB of -m {args.memory}M")
            run(console, "dmesg | grep 'rtc-pl031.*registered as rtc0'", "registered as rtc0")
            run(console, "grep -c sp804 /proc/timer_list; cat /sys/devices/system/clocksource/clocksource0/available_clocksource",
                "sp804")
            run(console, "cat /sys/kernel/debug/clk/clk_summary 2>/dev/null | grep -c osc; ls /sys/bus/amba/drivers/uart-pl011/",
                "1c090000.serial")
            if boot + 1 < boots:
                console.send("reboot -f\n")
        if args.no_reboot:
            console.send("reboot -f\n")
            what = "reboot -f with -no-reboot"
        else:
            console.send("poweroff -f\n")
            what = "poweroff -f"
        status = console.wait_exit(60)
        if status != 0:
            raise GuestError(f"emu exited with {status} after {what}, expected 0\n{console.tail()}")
        print(f"{what} ended emu with status 0")
    except GuestError as e:
        print(f"FAILED: {e}")
        return 1
    finally:
        console.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
