"""Debian's armhf kernel (linux-image-*-armmp) with a busybox initramfs on emu -M virt: boots
to a shell, sees its CPUs and memory, finds the RTC (and the PCIe host bridge once the board
has it), `poweroff -f` ends emu with status 0, and `reboot -f` boots the kernel again.

With --bios, Debian's U-Boot is the firmware: its default boot command fetches the kernel,
initrd and command line over fw_cfg and boots them with emu's device tree, as on QEMU.

With --power-button, the monitor (on a unix socket) presses the board's power button
(system_powerdown) and the guest's gpio-keys driver must see the key's interrupts.

Usage: linux_virt.py EMU [--smp N] [--memory MiB] [--reboot] [--bios U-BOOT] [--power-button]
"""
import argparse
import os
import re
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from console import Console, GuestError, skip  # noqa: E402


def gpio_key_interrupts(console):
    console.send("grep 'GPIO Key Poweroff' /proc/interrupts | awk '{print $2}'\n")
    console.expect("\n", 10)  # the echoed command line
    at = console.consumed
    console.expect("guest# ", 10)
    counts = re.findall(rb"^\s*(\d+)\s*$", console.buffer[at:console.consumed], re.M)
    if not counts:
        raise GuestError(f"no 'GPIO Key Poweroff' interrupt in /proc/interrupts\n{console.tail()}")
    return int(counts[-1])


def press_power_button(console, monitor_path):
    before = gpio_key_interrupts(console)
    with socket.socket(socket.AF_UNIX) as mon:
        mon.connect(monitor_path)
        mon.settimeout(10)
        data = b""
        while b"(emu) " not in data:
            data += mon.recv(4096)
        mon.sendall(b"system_powerdown\r\n")
        data = b""
        while b"(emu) " not in data:
            data += mon.recv(4096)
    time.sleep(0.5)  # the key is released 100 ms of guest time later
    after = gpio_key_interrupts(console)
    if after < before + 2:
        raise GuestError(f"system_powerdown: gpio-keys interrupts {before} -> {after}, expected a press and a release")
    print(f"power button: gpio-keys saw {after - before} interrupts (press and release)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("emu")
    parser.add_argument("--smp", default="1")
    parser.add_argument("--memory", default="256")
    parser.add_argument("--reboot", action="store_true")
    parser.add_argument("--bios")
    parser.add_argument("--power-button", action="store_true")
    parser.add_argument("--guests", default=os.environ.get("EMU_GUEST_DIR", os.path.expanduser("~/.cache/emu/guests")))
    args = parser.parse_args()
    zimage = os.path.join(args.guests, "armhf", "zImage")
    initrd = os.path.join(args.guests, "armhf", "initramfs.cpio.gz")
    if args.bios and not os.path.exists(args.bios):
        skip(f"{args.bios} not found (tests/setup/install-deps.sh installs u-boot-qemu)")
    for f in (zimage, initrd):
        if not os.path.exists(f):
            skip(f"{f} not found (run tests/setup/fetch-guests.sh)")

    monitor_path = os.path.join(tempfile.mkdtemp(prefix="emu-mon-"), "monitor.sock")
    console = Console([args.emu, "-M", "virt", "-smp", args.smp, "-m", args.memory, "-kernel", zimage,
                       "-initrd", initrd, "-append", "console=ttyAMA0 panic=-1", "-nographic"]
                      + (["-bios", args.bios] if args.bios else [])
                      + (["-monitor", f"unix:{monitor_path},server,nowait"] if args.power_button else []))
    try:
        boots = 2 if args.reboot else 1
        for boot in range(boots):
            if args.bios:
                console.expect("Starting kernel", 60)
            console.expect("Linux version", 60)
            reached = console.expect(f"emu-init: reached init", 300)
            console.expect(f"{args.smp} cpu(s)", 5)
            print(f"boot {boot + 1}: init reached after {reached:.1f}s")
            console.expect("guest# ", 30)
            console.send("grep MemTotal /proc/meminfo\n")
            console.expect("MemTotal:", 10)
            console.expect("guest# ", 10)
            # The PCIe host bridge and the RTC were found and their drivers bound.
            console.send("dmesg | grep -e 'PCI host bridge to bus' -e 'rtc-pl031.*registered as rtc0'\n")
            console.expect("PCI host bridge to bus 0000:00", 10)
            console.expect("registered as rtc0", 10)
            console.expect("guest# ", 10)
            if args.power_button:
                press_power_button(console, monitor_path)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
