"""Debian's amd64 kernel (tests/setup/fetch-x86-guests.sh) booted directly on emu -M pc with
kvm, without firmware: through PVH (the uncompressed vmlinux and its XEN_ELFNOTE_PHYS32_ENTRY)
or through Linux's boot protocol (the bzImage's 32-bit entry and zero page). The kernel's early
console (earlyprintk=serial) must print its version, the command line emu passed, and the e820
memory map emu built: RAM from 0 to below 640 KiB and from 1 MiB to the top of -m.

This host's /dev/kvm is nested (kvm_pvm) and an unmodified kernel soon stops there with emu's
one-line "kvm: emulation failure" error (QEMU stops at the same place). That ending is accepted
once the kernel has printed the above; if kvm fails before the kernel printed anything the test
is skipped with the reason. The bzImage's decompressor must at least print its "nokaslr" notice
(so it read emu's zero page and command line); on kvm_pvm it then runs on silently, as under
QEMU, and the test is skipped saying so. On a host where the kernel goes on, it panics for want of a root file
system, and panic=-1 with -no-reboot ends emu.

With --accel tcg (emu's own x86-64 CPU, -cpu qemu64) nothing is skipped: the kernel must go all
the way to that panic and emu must end with status 0.

Usage: x86_direct_boot.py EMU [--format pvh|bzimage] [--accel kvm|tcg] [--memory MiB] [--machine pc] [--timeout S]
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from console import Console, GuestError, skip  # noqa: E402

E820_LINE = re.compile(rb"BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] (\w[\w ]*)")


def run(args, kernel, append):
    console = Console([args.emu, "-M", args.machine, "-accel", args.accel, "-m", str(args.memory), "-nographic",
                       "-kernel", kernel, "-append", append, "-no-reboot"])
    try:
        try:
            status = console.wait_exit(args.timeout)
        except GuestError:
            status = None  # still running: judged on what it printed
    finally:
        console.kill()
    return console.buffer.decode(errors="replace"), status


def check_e820(output, memory_bytes):
    """The usable ranges the kernel reports are emu's: [0, <640 KiB) and [1 MiB, top of RAM)."""
    # A set: the map may be printed again once the real console replaces the early one.
    usable = sorted({(int(m.group(1), 16), int(m.group(2), 16) + 1)
                     for m in E820_LINE.finditer(output.encode()) if m.group(3).strip() == b"usable"})
    if not usable:
        raise GuestError("the kernel printed no usable BIOS-e820 range")
    low, high = usable[0], usable[1] if len(usable) > 1 else None
    if low[0] != 0 or not 0x9f000 <= low[1] <= 0xa0000:
        raise GuestError(f"first usable e820 range {low[0]:#x}-{low[1]:#x}, expected 0 to just below 640 KiB")
    # emu keeps the top 128 KiB of low RAM for the ACPI tables it builds (no firmware does it).
    acpi_area = 0x20000
    if high != (0x100000, memory_bytes - acpi_area) or len(usable) != 2:
        ranges = ", ".join(f"{a:#x}-{b:#x}" for a, b in usable)
        raise GuestError(f"usable e820 ranges {ranges}; expected 0x100000-{memory_bytes - acpi_area:#x} after the low one")
    acpi = {(int(m.group(1), 16), int(m.group(2), 16) + 1)
            for m in E820_LINE.finditer(output.encode()) if m.group(3).strip() == b"ACPI data"}
    if acpi != {(memory_bytes - acpi_area, memory_bytes)}:
        raise GuestError(f"e820 ACPI data ranges {sorted(acpi)}; expected the top {acpi_area:#x} bytes of RAM")
    if "ACPI: RSDP" not in output:
        raise GuestError("the kernel found no ACPI RSDP (emu passes it in the boot data)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("emu")
    parser.add_argument("--format", choices=["pvh", "bzimage"], default="pvh")
    parser.add_argument("--machine", default="pc")
    parser.add_argument("--accel", choices=["kvm", "tcg"], default="kvm")
    parser.add_argument("--memory", type=int, default=512)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--guests", default=os.environ.get("EMU_GUEST_DIR", os.path.expanduser("~/.cache/emu/guests")))
    args = parser.parse_args()
    kernel = os.path.join(args.guests, "amd64", "vmlinux" if args.format == "pvh" else "bzImage")
    if not os.path.exists(kernel):
        skip(f"{kernel} not found (run tests/setup/fetch-x86-guests.sh)")
    if args.accel == "kvm" and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        skip("/dev/kvm is not usable here")

    # nokaslr makes the bzImage's decompressor say so on the serial port before it unpacks:
    # proof that it found emu's zero page and command line even where the kernel proper is
    # never reached.
    append = f"earlyprintk=serial console=ttyS0 panic=-1 nokaslr emu_direct_boot={args.format}"
    output, status = run(args, kernel, append)
    lines = [line.rstrip("\r") for line in output.splitlines()]
    failure = next((line for line in lines if "kvm: emulation failure" in line), None)
    ending = ("still running after %gs (stopped)" % args.timeout if status is None
              else f"exit status {status}" + (f": {failure.strip()}" if failure else ""))
    version = next((line for line in lines if "Linux version" in line), None)
    decompressor = "KASLR disabled: 'nokaslr' on cmdline." in output
    try:
        if args.format == "bzimage" and not decompressor and failure is None:
            raise GuestError(f"the bzImage's decompressor printed nothing; emu: {ending}")
        if version is None:
            if failure is not None and args.accel == "kvm":
                skip(f"kvm failed before the kernel printed anything ({failure.strip()}); nested kvm on this host")
            if decompressor and status is None and os.path.isdir("/sys/module/kvm_pvm") and args.accel == "kvm":
                skip(f"the bzImage's decompressor read the command line, then ran silently for {args.timeout:g}s "
                     "without reaching the kernel (kvm_pvm nested kvm; QEMU stops there too)")
            raise GuestError(f"no 'Linux version' from the kernel; emu: {ending}")
        if f"Command line: {append}" not in output:
            raise GuestError(f"the kernel did not print 'Command line: {append}'")
        check_e820(output, args.memory << 20)
        if status not in (None, 0) and failure is None:
            raise GuestError(f"emu ended with {ending}")
        if args.accel == "tcg":  # nothing in the way: the kernel must reach its root-fs panic
            if "Kernel panic - not syncing: VFS: Unable to mount root fs" not in output:
                raise GuestError(f"the kernel did not reach its 'Unable to mount root fs' panic; emu: {ending}")
            if status != 0:
                raise GuestError(f"emu did not end with 0 after the panic (panic=-1, -no-reboot); emu: {ending}")
    except GuestError as error:
        print(f"FAIL: {error}\n---- console ----\n{output[-4000:]}\n-----------------")
        return 1
    print(f"x86 direct boot ({args.format}, -M {args.machine}, -accel {args.accel}, {args.memory} MiB):")
    print(f"  {version.strip()}")
    print("  " + next(line for line in lines if "Command line:" in line).strip())
    for line in dict.fromkeys(line.strip() for line in lines if "BIOS-e820:" in line):
        print("  " + line)
    print(f"  last kernel line: {next((l for l in reversed(lines) if l.startswith('[')), '').strip()}")
    print(f"  emu: {ending}")
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
