#!/usr/bin/env python3
"""Run one pc bare-metal guest on emu under kvm and judge it by its debug-console output.

    run_pc_baremetal.py --emu EMU [--machine pc|q35] [--timeout S] [--memory MIB] [--smp N]
                        [--check-utc] [--expect-exit STATUS] GUEST.bin [-- EXTRA EMU ARGS...]

Runs `EMU -M MACHINE -m MIB -bios GUEST.bin -debugcon file:LOG -serial none -monitor none`, polls
LOG until the guest writes "PASS <name>" or "FAIL <name>: <reason>" (then the guest halts and
emu is killed), emu exits, or the timeout passes. With --check-utc, a line
"utc YYYY-MM-DD hh:mm:ss" in the log (the RTC as the guest read it) must be within 5 minutes
of the host's UTC clock. With --expect-exit, the guest ends emu itself (power-off): after the
PASS line emu must exit with STATUS within the timeout, no FAIL line following. Exit status: 0 pass, 1 fail, 2 usage error, 77 skipped (no usable
/dev/kvm), each with one line saying why and, on failure, the log and emu's output.
"""

import argparse
import datetime
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
UTC_SLACK_SECONDS = 300


def kvm_unusable():
    """Why /dev/kvm cannot be used, or None."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError as e:
        return f"/dev/kvm: {e.strerror}"
    os.close(fd)
    return None


def stop(proc):
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def read_log(path):
    """The debug console's text so far, and its first complete PASS/FAIL line (or None)."""
    try:
        with open(path, "rb") as f:
            log = f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return "", None
    verdict = next((l for l in log.splitlines(keepends=True) if re.match(r"(PASS|FAIL) ", l) and l.endswith("\n")),
                   None)
    return log, verdict


def check_utc(log):
    m = re.search(r"^utc (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)$", log, re.M)
    if not m:
        return 'no "utc YYYY-MM-DD hh:mm:ss" line'
    try:
        guest = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    except ValueError as e:
        return f"the guest's time {m.group(1)!r} is no date: {e}"
    delta = abs((guest - datetime.datetime.now(datetime.timezone.utc)).total_seconds())
    if delta > UTC_SLACK_SECONDS:
        return f"the RTC says {m.group(1)} UTC, {delta:.0f} s away from the host's clock"
    return None


def expect_exit(log, exited, status):
    """After PASS: the problem with how emu ended (it must exit by itself with `status`), or None."""
    failed = next((l for l in log.splitlines() if l.startswith("FAIL ")), None)
    if failed:
        return failed
    if exited is None:
        return f"emu still running at the timeout, expected it to exit with status {status}"
    if exited != status:
        return f"emu exited with status {exited}, expected {status}"
    return None


def check_output(emu_out, expected, rejected):
    """The first of the --expect-output / --reject-output patterns emu's output breaks, or None."""
    for pattern in expected:
        if not re.search(pattern, emu_out, re.M):
            return f"emu's output has no line matching {pattern!r}"
    for pattern in rejected:
        m = re.search(pattern, emu_out, re.M)
        if m:
            return f"emu's output matches {pattern!r}: {m.group(0)!r}"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emu", required=True, help="the emu binary")
    parser.add_argument("--machine", default="pc", help="-M, the board (default pc)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for a verdict (default 30)")
    parser.add_argument("--memory", default="32", help="-m, in MiB (default 32)")
    parser.add_argument("--smp", default="1", help="-smp (default 1)")
    parser.add_argument("--accel", default="kvm", choices=["kvm", "tcg"],
                        help="-accel: kvm (default; skipped without /dev/kvm) or tcg (emu's own x86 CPU)")
    parser.add_argument("--check-utc", action="store_true", help="compare the guest's \"utc\" line with the host clock")
    parser.add_argument("--expect-exit", type=int, metavar="STATUS",
                        help="after PASS, wait for emu to exit by itself with this status")
    parser.add_argument("--expect-output", action="append", default=[], metavar="REGEX",
                        help="after PASS, emu's own output (stdout and stderr) must match REGEX (repeatable)")
    parser.add_argument("--reject-output", action="append", default=[], metavar="REGEX",
                        help="after PASS, emu's own output must not match REGEX (repeatable)")
    parser.add_argument("guest", metavar="GUEST.bin")
    parser.add_argument("extra", nargs="*", help="more emu arguments (after --)")
    args = parser.parse_args()

    name = os.path.splitext(os.path.basename(args.guest))[0]
    for path, what in ((args.emu, "emu binary"), (args.guest, "guest image")):
        if not os.path.isfile(path):
            print(f"run_pc_baremetal: {path}: no such {what}", file=sys.stderr)
            return 2
    why = kvm_unusable() if args.accel == "kvm" else None
    if why:
        print(f"SKIP {name}: {why} (these guests run on the pc board under the kvm accelerator)")
        return SKIP

    with tempfile.TemporaryDirectory(prefix=f"pc-baremetal-{name}-") as tmp:
        log_path = os.path.join(tmp, "debugcon.log")
        cmd = [args.emu, "-M", args.machine, "-accel", args.accel, "-m", args.memory, "-smp", args.smp, "-bios", args.guest,
               "-debugcon", f"file:{log_path}", "-serial", "none", "-monitor", "none"] + args.extra
        out_file = open(os.path.join(tmp, "emu.out"), "w+b")
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out_file, stderr=subprocess.STDOUT,
                                start_new_session=True)
        exited = None
        try:
            while True:
                exited = proc.poll()  # before reading: what it wrote until it exited is in the log
                log, verdict = read_log(log_path)
                # --expect-exit: after PASS the verdict is how emu ends (unless the guest fails).
                waiting = (args.expect_exit is not None and verdict is not None and verdict.startswith("PASS")
                           and not re.search(r"^FAIL .*\n", log, re.M))
                if (verdict and not waiting) or exited is not None or time.monotonic() - start > args.timeout:
                    break
                time.sleep(0.05)
        finally:
            stop(proc)
        out_file.seek(0)
        emu_out = out_file.read().decode("utf-8", "replace")
        out_file.close()
        seconds = time.monotonic() - start

    verdict = verdict.strip() if verdict else None
    problem = None
    if verdict is None:
        if exited is not None:
            problem = f"emu exited with status {exited} before the guest said PASS or FAIL"
        else:
            problem = f"no PASS/FAIL line within {args.timeout:g} s"
    elif verdict.startswith("FAIL"):
        problem = verdict
    elif args.expect_exit is not None:
        problem = expect_exit(log, exited, args.expect_exit)
    elif args.check_utc:
        problem = check_utc(log)
    if problem is None:
        problem = check_output(emu_out, args.expect_output, args.reject_output)

    if problem is None:
        print(f"{verdict} in {seconds:.1f} s")
        return 0
    print(problem if problem.startswith("FAIL ") else f"FAIL {name}: {problem}")
    print(f"---- {' '.join(cmd)}")
    print("---- debug console:")
    print(log, end="" if log.endswith("\n") or not log else "\n")
    print("---- emu's output:")
    print(emu_out, end="" if emu_out.endswith("\n") or not emu_out else "\n")
    print("----")
    return 1


if __name__ == "__main__":
    sys.exit(main())
