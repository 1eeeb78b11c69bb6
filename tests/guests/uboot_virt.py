"""Debian's U-Boot (u-boot-qemu, qemu_arm build) on emu -M virt: reaches its prompt and
answers `version` and `bdinfo`, and enumerates the PCIe bus (`pci enum; pci`). Proves the ARM CPU, GIC, PL011, PSCI, flash boot and the
generated device tree with firmware nobody here wrote.

Usage: uboot_virt.py EMU [--smp N]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from console import Console, GuestError, skip  # noqa: E402

UBOOT = "/usr/lib/u-boot/qemu_arm/u-boot.bin"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("emu")
    parser.add_argument("--smp", default="1")
    args = parser.parse_args()
    if not os.path.exists(UBOOT):
        skip(f"{UBOOT} not found (tests/setup/fetch-guests.sh installs u-boot-qemu)")

    console = Console([args.emu, "-M", "virt", "-smp", args.smp, "-bios", UBOOT, "-nographic"])
    try:
        console.expect("U-Boot 20", 30)
        console.expect("Hit any key to stop autoboot", 60)
        console.send("\n")
        prompt = console.expect("=>", 30)
        print(f"prompt after {prompt:.2f}s")
        console.send("version\n")
        console.expect("U-Boot 20", 10)
        console.expect("=>", 10)
        console.send("bdinfo\n")
        console.expect("DRAM bank", 10)
        console.expect("=>", 10)
        console.send("pci enum\n")
        console.expect("=>", 10)
        console.send("pci\n")
        console.expect("0x1b36     0x0008", 10)  # the generic PCIe host bridge at 00.00.00
        console.expect("=>", 10)
        print("version, bdinfo and pci answered")
    except GuestError as e:
        print(f"FAILED: {e}")
        return 1
    finally:
        console.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
