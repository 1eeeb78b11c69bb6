#!/usr/bin/env python3
"""Time from process start to SeaBIOS's first "Booting from" line on the serial console, on
emu and on Debian's qemu-system-x86_64, both with -accel kvm, the same firmware (Debian's
bios-256k.bin) and the same board (-M pc or q35, no display, no disks, COM1 on stdio), and
the resident memory of each at that moment. Median of BENCH_RUNS runs (default 5), as a ratio
emu / QEMU (target for `pc`: <= 0.5).

Usage: bench/seabios/run.py BUILD_DIR [pc|q35 ...]
Prints one line per machine. Needs /dev/kvm; exits 77 (skipped) without it.
"""
import os
import statistics
import subprocess
import sys
import time

BIOS = "/usr/share/seabios/bios-256k.bin"
MARK = b"Booting from"


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def one_run(cmd, timeout=60.0):
    """Seconds until MARK appears on stdout, and the RSS (KiB) then."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen = b""
    try:
        os.set_blocking(proc.stdout.fileno(), False)
        while time.monotonic() - start < timeout:
            chunk = proc.stdout.read(65536)
            if chunk:
                seen += chunk
                if MARK in seen:
                    elapsed = time.monotonic() - start
                    return elapsed, rss_kib(proc.pid)
            elif proc.poll() is not None:
                break
            else:
                time.sleep(0.002)
        raise RuntimeError(f"no '{MARK.decode()}' from {cmd[0]} within {timeout} s; output: {seen[-400:]!r}")
    finally:
        proc.kill()
        proc.wait()


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    build = sys.argv[1]
    machines = sys.argv[2:] or ["pc"]
    runs = int(os.environ.get("BENCH_RUNS", "5"))
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
    except OSError as e:
        print(f"SKIP: /dev/kvm: {e.strerror}")
        return 77
    if not os.path.exists(BIOS):
        print(f"SKIP: {BIOS} missing (Debian's seabios package)")
        return 77
    emu = os.path.join(build, "emu")
    for machine in machines:
        emu_cmd = [emu, "--plugin-dir", os.path.join(build, "plugins"), "-M", machine, "-m", "128",
                   "-bios", BIOS, "-nographic", "-monitor", "none"]
        qemu_cmd = ["qemu-system-x86_64", "-M", machine, "-accel", "kvm", "-m", "128", "-bios", BIOS,
                    "-nographic", "-nodefaults", "-serial", "stdio", "-monitor", "none"]
        emu_t, qemu_t, emu_rss, qemu_rss = [], [], [], []
        for _ in range(runs):  # interleaved, so both see the same background load
            t, r = one_run(emu_cmd)
            emu_t.append(t)
            emu_rss.append(r)
            t, r = one_run(qemu_cmd)
            qemu_t.append(t)
            qemu_rss.append(r)
        e, q = statistics.median(emu_t), statistics.median(qemu_t)
        print(f"{machine}: start to 'Booting from': emu {e:.3f} s, qemu {q:.3f} s, ratio {e / q:.3f} "
              f"(median of {runs}; target <= 0.5); RSS emu {statistics.median(emu_rss) / 1024:.1f} MiB, "
              f"qemu {statistics.median(qemu_rss) / 1024:.1f} MiB")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
