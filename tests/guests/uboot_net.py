"""A NIC judged by Debian's U-Boot (u-boot-qemu, qemu_arm build) on emu -M virt: its own driver
for the device gets a DHCP lease from -netdev user (`dhcp`, with autoload off) and `ping 10.0.2.2`
answers "is alive".

Usage: uboot_net.py EMU --device DEV      (DEV without netdev=, e.g. e1000, virtio-net-pci)
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
    parser.add_argument("--device", required=True)
    args = parser.parse_args()
    if not os.path.exists(UBOOT):
        skip(f"{UBOOT} not found (tests/setup/install-deps.sh installs u-boot-qemu)")

    console = Console([args.emu, "-M", "virt", "-bios", UBOOT, "-nographic",
                       "-netdev", "user,id=n0", "-device", f"{args.device},netdev=n0"])
    try:
        console.expect("Hit any key to stop autoboot", 60)
        console.send("\n")
        console.expect("=>", 30)
        # PCI NICs are found once the bus is enumerated; virtio-mmio ones at start-up.
        console.send("pci enum; setenv autoload no; dhcp\n")
        console.expect("DHCP client bound to address 10.0.2.15", 60)
        console.expect("=>", 10)
        print("dhcp: bound to 10.0.2.15")
        console.send("ping 10.0.2.2\n")
        console.expect("host 10.0.2.2 is alive", 30)
        console.expect("=>", 10)
        print("ping 10.0.2.2: alive")
    except GuestError as e:
        print(f"FAILED: {e}")
        return 1
    finally:
        console.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
