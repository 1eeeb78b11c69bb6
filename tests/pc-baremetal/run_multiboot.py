#!/usr/bin/env python3
"""Boot a Multiboot kernel with -kernel/-append/-initrd under kvm and judge it by its debug console.

    run_multiboot.py --emu EMU [--qemu] [--machine pc|q35] [--memory MIB] [--timeout S]
                     [--append TEXT] [--initrd MODULES] [--expect-exit STATUS] KERNEL [-- EXTRA ARGS...]

Runs `EMU -accel kvm -M MACHINE -m MIB -kernel KERNEL -append TEXT -initrd MODULES -debugcon
file:LOG -serial none -monitor none EXTRA...` (with --qemu, EMU is a QEMU binary and gets
-nodefaults -display none instead of -serial/-monitor), waits for "PASS <name>" or
"FAIL <name>: <reason>" on the debug console, then ends the emulator; with --expect-exit the
guest ends it (isa-debug-exit) and the exit status must be STATUS. Exit status as
run_pc_baremetal.py: 0 pass, 1 fail, 2 usage error, 77 skipped (no usable /dev/kvm).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_pc_baremetal import SKIP, kvm_unusable, read_log, stop  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emu", required=True, help="the emu (or, with --qemu, QEMU) binary")
    parser.add_argument("--qemu", action="store_true", help="the binary is QEMU's qemu-system-*")
    parser.add_argument("--machine", default="pc")
    parser.add_argument("--accel", default="kvm", choices=["kvm", "tcg"],
                        help="-accel: kvm (default; skipped without /dev/kvm) or tcg (emu's own x86 CPU)")
    parser.add_argument("--memory", default="32", help="-m, in MiB (default 32)")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--append", default="")
    parser.add_argument("--initrd", help="-initrd: the Multiboot modules")
    parser.add_argument("--expect-exit", type=int, metavar="STATUS",
                        help="after PASS, the emulator must exit by itself with this status")
    parser.add_argument("kernel", metavar="KERNEL")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)  # what follows "--" goes to the emulator
    args = parser.parse_args(argv[:split])
    args.extra = argv[split + 1:]

    name = os.path.splitext(os.path.basename(args.kernel))[0]
    for path, what in ((args.emu, "emulator binary"), (args.kernel, "kernel")):
        if not os.path.isfile(path):
            print(f"run_multiboot: {path}: no such {what}", file=sys.stderr)
            return 2
    why = kvm_unusable() if args.accel == "kvm" else None
    if why:
        print(f"SKIP {name}: {why} (this guest runs on the {args.machine} board under the kvm accelerator)")
        return SKIP

    with tempfile.TemporaryDirectory(prefix=f"multiboot-{name}-") as tmp:
        log_path = os.path.join(tmp, "debugcon.log")
        cmd = [args.emu, "-accel", args.accel, "-M", args.machine, "-m", args.memory, "-kernel", args.kernel,
               "-append", args.append, "-debugcon", f"file:{log_path}"]
        cmd += ["-initrd", args.initrd] if args.initrd else []
        cmd += ["-nodefaults", "-display", "none"] if args.qemu else ["-serial", "none", "-monitor", "none"]
        cmd += args.extra
        out_file = open(os.path.join(tmp, "out"), "w+b")
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out_file, stderr=subprocess.STDOUT,
                                start_new_session=True)
        exited = None
        try:
            while True:
                exited = proc.poll()  # before reading: what it wrote until it exited is in the log
                log, verdict = read_log(log_path)
                waiting = args.expect_exit is not None and verdict is not None and verdict.startswith("PASS")
                if (verdict and not waiting) or exited is not None or time.monotonic() - start > args.timeout:
                    break
                time.sleep(0.05)
        finally:
            stop(proc)
        out_file.seek(0)
        output = out_file.read().decode("utf-8", "replace")
        out_file.close()
        seconds = time.monotonic() - start

    verdict = verdict.strip() if verdict else None
    problem = None
    failed = next((l for l in log.splitlines() if l.startswith("FAIL ")), None)
    if failed:
        problem = failed
    elif verdict is None:
        problem = (f"the emulator exited with status {exited} before the guest said PASS or FAIL" if exited is not None
                   else f"no PASS/FAIL line within {args.timeout:g} s")
    elif args.expect_exit is not None and exited != args.expect_exit:
        problem = (f"the emulator still ran at the timeout, expected it to exit with status {args.expect_exit}"
                   if exited is None else f"the emulator exited with status {exited}, expected {args.expect_exit}")

    if problem is None:
        ended = f", exit status {exited}" if args.expect_exit is not None else ""
        print(f"{verdict} in {seconds:.1f} s{ended}")
        return 0
    print(problem if re.match(r"FAIL ", problem) else f"FAIL {name}: {problem}")
    print(f"---- {' '.join(cmd)}")
    print("---- debug console:")
    print(log, end="" if log.endswith("\n") or not log else "\n")
    print("---- the emulator's output:")
    print(output, end="" if output.endswith("\n") or not output else "\n")
    print("----")
    return 1


if __name__ == "__main__":
    sys.exit(main())
