#!/usr/bin/env python3
"""Run bare-metal test programs on the virt board and judge them by their output.

    run_baremetal.py [--emu EMU | --qemu [--qemu-bin QEMU]] [--timeout S] [-v] PROGRAM.elf...

Each program is run as `EMU -M virt -kernel PROGRAM.elf -nographic` (with --qemu:
`qemu-system-arm -M virt -cpu cortex-a15 -kernel PROGRAM.elf -nographic`, the reference). A
program passes when its output has the "ALL PASS" line the runtime prints after every check
passed, and the emulator exited with status 0 (the program ends with PSCI SYSTEM_OFF) within
the timeout. On failure the whole output is printed. Exit status: 0 when every program
passed, 1 otherwise, 2 on a usage error.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time


def run_one(cmd, timeout):
    """Run cmd with stdin closed; return (exit status or None on timeout, output, seconds)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        status = None
    return status, out.decode("utf-8", "replace").replace("\r\n", "\n"), time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--emu", help="the emu binary (default: $EMU, else ./build/emu)")
    who.add_argument("--qemu", action="store_true", help="run on QEMU instead, the reference")
    parser.add_argument("--qemu-bin", default=os.environ.get("QEMU", "qemu-system-arm"),
                        help="QEMU binary for --qemu (default: $QEMU, else qemu-system-arm)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per program (default 60)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the output of passing programs too")
    parser.add_argument("programs", nargs="+", metavar="PROGRAM.elf")
    args = parser.parse_args()

    if args.qemu:
        binary = shutil.which(args.qemu_bin) or args.qemu_bin
        prefix = [binary, "-M", "virt", "-cpu", "cortex-a15"]
        name = "qemu"
    else:
        binary = args.emu or os.environ.get("EMU") or "./build/emu"
        prefix = [binary, "-M", "virt"]
        name = "emu"
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"run_baremetal: {binary}: no such executable", file=sys.stderr)
        return 2

    failed = 0
    for program in args.programs:
        if not os.path.isfile(program):
            print(f"FAIL {program}: no such file")
            failed += 1
            continue
        cmd = prefix + ["-kernel", program, "-nographic"]
        status, out, seconds = run_one(cmd, args.timeout)
        lines = out.splitlines()
        verdict = next((l for l in reversed(lines) if l.startswith("ALL PASS") or l.endswith("FAILED")
                        or "FAILED (of" in l), None)
        passed = status == 0 and any(l.startswith("ALL PASS") for l in lines)
        label = os.path.basename(program)
        if passed:
            print(f"PASS {label} on {name}: {verdict} in {seconds:.1f} s")
            if args.verbose:
                print(out, end="" if out.endswith("\n") else "\n")
            continue
        failed += 1
        if status is None:
            why = f"timed out after {args.timeout:g} s"
        elif status != 0:
            why = f"exit status {status}"
        else:
            why = verdict or 'no "ALL PASS" line'
        print(f"FAIL {label} on {name}: {why}")
        print(f"---- {' '.join(cmd)}")
        for line in lines:
            print(line)
        print("----")
        fails = [l for l in lines if l.startswith("FAIL")]
        if fails:
            print(f"{len(fails)} failing check(s):")
            for l in fails:
                print("  " + l)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
