"""Debian's SeaBIOS (package seabios, bios-256k.bin) on emu's x86 boards with kvm (or, with
--accel tcg, on emu's own x86 CPU): the firmware
finds the board, the CPUs, the RAM and the PCI devices, and ends at "No bootable device" (there
is no disk). Its debug log (-device isa-debugcon at port 0x402, the port SeaBIOS's Debian build
writes to) must say:
  - "Running on QEMU (i440fx)" / "Running on QEMU (q35)": SeaBIOS knew the board by its host
    bridge (8086:1237 or 8086:29c0 with subsystem 1af4:1100);
  - "Found N cpu(s)" for -smp N (the application processors answered INIT/SIPI);
  - the RAM fw_cfg's etc/e820 gives, split around the PCI hole as QEMU splits it (pc: 3 GiB below
    4 GiB from 3.5 GiB of RAM on, q35: 2 GiB from 0xB0000000 bytes on), and the same RAM in the
    final e820 map SeaBIOS hands the OS;
  - "Found N PCI devices": the board's own functions and the -device PCI cards;
  - "sercon: using ioport 0x3f8": its text console went to COM1 (emu has no display).
A NIC's iPXE ROM prints its banner at POST. iPXE then boots before the disks; on this host's
nested kvm it stops at emu's "kvm: emulation failure" line (QEMU stops there too), which is
accepted as the end once the banner was seen; elsewhere it gives up and SeaBIOS goes on.
--ipxe BDF requires the banner of the ROM of the card at that PCI address ("iPXE
(http://ipxe.org) 00:02.0"): SeaBIOS found and ran that card's option ROM at POST; the run then
ends when SeaBIOS boots the ROM ("Booting from ROM"), which keeps the test to seconds.

Usage: seabios_x86.py --emu EMU --machine pc|q35 [--accel kvm|tcg] [--smp N] [-m SIZE] [--netdev SPEC]...
                      [--device SPEC]... [--pci-devices N] [--ipxe BDF]... [--timeout S]
"""
import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from console import Console, GuestError, skip  # noqa: E402

SEABIOS = "/usr/share/seabios/bios-256k.bin"
DETECTION = {"pc": "Running on QEMU (i440fx)", "q35": "Running on QEMU (q35)"}
ISA_BRIDGE = {"pc": "8086:7000", "q35": "8086:2918"}
# The board's own PCI functions: pc 00.0 i440FX, 01.0 PIIX3, 01.3 PIIX4 power management;
# q35 00.0 MCH, 1f.0 ICH9 LPC (with its power management).
BOARD_PCI_FUNCTIONS = {"pc": 3, "q35": 2}
FW_E820 = re.compile(r"qemu/e820: addr 0x([0-9a-f]+) len 0x([0-9a-f]+) \[RAM\]")
FINAL_E820 = re.compile(r"^\s*\d+: ([0-9a-f]{16}) - ([0-9a-f]{16}) = 1 RAM", re.M)


def parse_size(text):
    """-m's syntax: a number of MiB, or a number with a K/M/G/T suffix."""
    match = re.fullmatch(r"(\d+)([KMGT]?)", text.upper())
    if not match:
        raise SystemExit(f"-m {text}: not a size")
    shift = {"": 20, "K": 10, "M": 20, "G": 30, "T": 40}[match.group(2)]
    return int(match.group(1)) << shift


def ram_split(machine, ram):
    """Bytes of RAM below 4 GiB and above it: QEMU's rules, which emu's boards follow."""
    if machine == "pc":
        lowmem = 0xC0000000 if ram >= 0xE0000000 else 0xE0000000
    else:
        lowmem = 0x80000000 if ram >= 0xB0000000 else 0xB0000000
    below = min(ram, lowmem)
    return below, ram - below


def kvm_usable():
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
        return None
    except OSError as e:
        return f"/dev/kvm cannot be opened ({e.strerror})"


class Checks:
    def __init__(self):
        self.failures = []

    def found(self, what, line):
        print(f"  ok   {what}: {line.strip()}")

    def fail(self, what, detail):
        print(f"  FAIL {what}: {detail}")
        self.failures.append(what)

    def present(self, what, line, missing):
        """OK if the log had the line, else fail with `missing`."""
        if line:
            self.found(what, line)
        else:
            self.fail(what, missing)


def check_log(log, args, checks):
    def line_with(text):
        return next((line for line in log.splitlines() if text in line), None)

    detection = DETECTION[args.machine]
    line = line_with(detection)
    checks.present("board", line, f"no {detection!r}")

    want = f"Found {args.smp} cpu(s)"
    line = line_with("cpu(s)")
    if line and want in line:
        checks.found("cpus", line)
    else:
        checks.fail("cpus", f"{line.strip() if line else 'no CPU count'}; expected {want!r}")

    ram = parse_size(args.memory)
    below, above = ram_split(args.machine, ram)
    expected = [(0, below)] + ([(1 << 32, above)] if above else [])
    got = [(int(a, 16), int(n, 16)) for a, n in FW_E820.findall(log)]
    shown = ", ".join(f"{a:#x}+{n:#x}" for a, n in got) or "none"
    if got == expected:
        checks.found("fw_cfg e820 RAM", shown)
    else:
        want_text = ", ".join(f"{a:#x}+{n:#x}" for a, n in expected)
        checks.fail("fw_cfg e820 RAM", f"{shown}; expected {want_text}")
    # SeaBIOS's final map: RAM from 1 MiB to near the top of low RAM (it keeps the last pages
    # for its ACPI tables and the like), and the high RAM whole.
    final = [(int(a, 16), int(b, 16)) for a, b in FINAL_E820.findall(log)]
    high_ok = (not above) or ((1 << 32), (1 << 32) + above) in final
    low_ok = any(a == 0x100000 and below - (1 << 20) <= b <= below for a, b in final)
    ranges = ", ".join(f"{a:#x}-{b:#x}" for a, b in final) or "none"
    if low_ok and high_ok:
        checks.found("final e820 RAM", ranges)
    else:
        checks.fail("final e820 RAM", f"{ranges}; expected 0x100000 up to about {below:#x}"
                    + (f" and 0x100000000-{(1 << 32) + above:#x}" if above else ""))

    pci = args.pci_devices if args.pci_devices is not None else BOARD_PCI_FUNCTIONS[args.machine] + len(args.device)
    line = line_with("PCI devices (max PCI bus")
    if line and f"Found {pci} PCI devices" in line:
        checks.found("PCI devices", line)
    else:
        checks.fail("PCI devices", f"{line.strip() if line else 'no PCI count'}; expected {pci}")
    bridge = ISA_BRIDGE[args.machine]
    line = line_with(f"id={bridge}")
    checks.present("ISA bridge", line, f"{bridge} not initialised")

    line = line_with("sercon: using ioport 0x3f8")
    checks.present("console", line, "SeaBIOS did not use COM1 (sercon)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emu", required=True)
    parser.add_argument("--machine", choices=sorted(DETECTION), required=True)
    parser.add_argument("--accel", choices=["kvm", "tcg"], default="kvm")
    parser.add_argument("--smp", type=int, default=1)
    parser.add_argument("-m", dest="memory", default="128M")
    parser.add_argument("--netdev", action="append", default=[])
    parser.add_argument("--device", action="append", default=[])
    parser.add_argument("--pci-devices", type=int,
                        help="expected PCI functions (default: the board's own + the --device count)")
    parser.add_argument("--ipxe", action="append", default=[], metavar="BDF",
                        help="require the iPXE banner of the ROM at this PCI address (e.g. 00:03.0)")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    reason = kvm_usable() if args.accel == "kvm" else None
    if reason:
        skip(reason)
    if not os.path.exists(SEABIOS):
        skip(f"{SEABIOS} not found (Debian's seabios package; tests/setup/install-deps.sh installs it)")

    with tempfile.TemporaryDirectory(prefix="emu-seabios-") as tmp:
        debug_log = os.path.join(tmp, "seabios.log")
        argv = [args.emu, "-M", args.machine, "-accel", args.accel, "-smp", str(args.smp), "-m", args.memory,
                "-nographic", "-chardev", f"file,id=seabios,path={debug_log}",
                "-device", "isa-debugcon,iobase=0x402,chardev=seabios"]
        for spec in args.netdev:
            argv += ["-netdev", spec]
        for spec in args.device:
            argv += ["-device", spec]
        print(" ".join(argv))
        console = Console(argv)
        try:
            try:
                console.expect("SeaBIOS (version", min(args.timeout, 60))
                if args.ipxe:
                    # SeaBIOS has printed all that is checked once it boots the ROM's entry;
                    # iPXE's own start takes half a minute more on nested kvm.
                    console.expect("Booting from ROM", max(1.0, args.timeout - console.elapsed()))
                    ending = "SeaBIOS booted the iPXE ROM (stopped there)"
                else:
                    console.expect("No bootable device", max(1.0, args.timeout - console.elapsed()))
                    ending = "No bootable device"
            except GuestError as e:
                serial = console.buffer.decode(errors="replace")
                if "iPXE" in serial and "kvm: emulation failure" in serial:
                    ending = "iPXE stopped at kvm's emulation failure (expected on nested kvm)"
                else:
                    print(f"FAIL: {e}")
                    log = open(debug_log, errors="replace").read() if os.path.exists(debug_log) else ""
                    print("---- SeaBIOS debug log (tail) ----\n" + log[-3000:])
                    return 1
        finally:
            console.kill()
        log = open(debug_log, errors="replace").read()

    serial = console.buffer.decode(errors="replace")
    print(f"ended after {console.elapsed():.1f}s: {ending}")
    for line in serial.splitlines():
        if "iPXE (http://ipxe.org)" in line:
            print(f"  rom  {line.strip()}")
    checks = Checks()
    for bdf in args.ipxe:
        banner = f"iPXE (http://ipxe.org) {bdf}"
        line = next((line for line in serial.splitlines() if banner in line), None)
        checks.present(f"option ROM at {bdf}", line, f"no {banner!r} on the console")
    check_log(log, args, checks)
    if checks.failures:
        print(f"FAILED: {', '.join(checks.failures)}")
        print("---- SeaBIOS debug log ----\n" + log[-6000:])
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
