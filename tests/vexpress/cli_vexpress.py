"""The vexpress-a15 board from the command line: it is listed, -device e1000 says the board has
no PCI bus, the on-board LAN9118 takes the first -nic (a second one must name a model) and is
not a -device, and a Linux kernel without -dtb is refused with a hint (when the guest kernel
is there).

Usage: cli_vexpress.py EMU
"""
import os
import subprocess
import sys


def emu(binary, *args):
    proc = subprocess.run([binary, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


def check(failures, what, status, output, want_status, *needles):
    ok = status == want_status and all(n in output for n in needles)
    print(f"{'ok' if ok else 'FAILED'}: {what}: status {status}: {output.strip()[:300]}")
    if not ok:
        failures.append(what)


def main():
    binary = sys.argv[1]
    failures = []
    status, out = emu(binary, "-M", "help")
    check(failures, "-M help lists the board", status, out, 0, "vexpress-a15")
    status, out = emu(binary, "-M", "vexpress-a15", "-S", "-device", "e1000")
    check(failures, "-device e1000", status, out, 1, "e1000 is a PCI device", "(vexpress-a15) has no PCI bus")
    status, out = emu(binary, "-M", "vexpress-a15", "-S", "-nic", "user,model=e1000")
    check(failures, "-nic model=e1000", status, out, 1, "has no PCI bus")
    status, out = emu(binary, "-M", "vexpress-a15", "-S", "-device", "lan9118")
    check(failures, "-device lan9118 (on-board only)", status, out, 1, "lan9118")
    status, out = emu(binary, "-M", "vexpress-a15", "-S", "-nic", "user", "-nic", "user")
    check(failures, "two -nic without a model", status, out, 1, "on-board lan9118 is taken", "model=")
    zimage = os.path.join(os.environ.get("EMU_GUEST_DIR", os.path.expanduser("~/.cache/emu/guests")), "armhf", "zImage")
    if os.path.exists(zimage):
        status, out = emu(binary, "-M", "vexpress-a15", "-kernel", zimage)
        check(failures, "-kernel without -dtb", status, out, 1, "give -dtb")
    status, out = emu(binary, "-M", "vexpress-a15", "-smp", "5", "-S")
    check(failures, "-smp 5", status, out, 1, "4")
    if failures:
        print(f"FAILED: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
