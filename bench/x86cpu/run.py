#!/usr/bin/env python3
"""x86 CPU benchmark: guest MIPS of emu's software x86 CPU (-accel tcg) beside Debian's
qemu-system-i386 (TCG), on bare-metal loops with exactly known instruction counts
(bench/x86cpu/workloads.S: a Multiboot kernel that exits through isa-debug-exit).

Each workload is built twice, with a short and a long iteration count; both emulators boot
each kernel on -M pc and the figure is (instructions(long) - instructions(short)) /
(time(long) - time(short)), which cancels start-up and boot. Runs are interleaved; medians of
--runs. Target (issue #10): emu >= 0.25x QEMU's MIPS.

Usage: bench/x86cpu/run.py BUILD_DIR [--runs N] [--seconds S]
Writes BUILD_DIR/bench-x86cpu.json. Exit 0 whatever the ratio; 1 if a build or run failed.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = {"tight": (1, 10), "call-heavy": (2, 26)}  # name: (WORKLOAD, instructions/iteration)
# Instructions outside the loop (set-up and exit) are the same in both builds and cancel out.


def build(out, name, workload, iterations):
    obj, elf = os.path.join(out, f"{name}-{iterations}.o"), os.path.join(out, f"{name}-{iterations}.elf")
    subprocess.run(["as", "--32", "--defsym", f"WORKLOAD={workload}", "--defsym", f"ITERATIONS={iterations}",
                    "-o", obj, os.path.join(HERE, "workloads.S")], check=True)
    subprocess.run(["ld", "-m", "elf_i386", "-Ttext=0x100000", "-e", "_start", "-o", elf, obj], check=True)
    return elf


def run(argv, timeout):
    start = time.monotonic()
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=timeout)
    elapsed = time.monotonic() - start
    if proc.returncode != 1:  # isa-debug-exit with 0: (0 << 1) | 1
        raise RuntimeError(f"{' '.join(argv)}: exit status {proc.returncode}: {proc.stdout.decode(errors='replace')[-500:]}")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--short", type=int, default=1_000_000, help="iterations of the short run")
    parser.add_argument("--long", type=int, default=100_000_000, help="iterations of the long run")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    emu = os.path.join(os.path.abspath(args.build), "emu")
    common = ["-M", "pc", "-m", "64", "-display", "none", "-serial", "none", "-monitor", "none",
              "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-no-reboot"]
    emulators = {"emu": [emu, "-accel", "tcg", "-nographic", "-M", "pc", "-m", "64",
                         "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]}
    qemu = shutil.which("qemu-system-i386")
    if qemu:
        emulators["qemu"] = [qemu, "-accel", "tcg"] + common
    results = {}
    with tempfile.TemporaryDirectory(prefix="emu-bench-x86cpu-") as out:
        for name, (workload, per_iteration) in WORKLOADS.items():
            kernels = {n: build(out, name, workload, n) for n in (args.short, args.long)}
            samples = {e: [] for e in emulators}
            try:
                for _ in range(args.runs):
                    for e, argv in emulators.items():
                        t_short = run(argv + ["-kernel", kernels[args.short]], args.timeout)
                        t_long = run(argv + ["-kernel", kernels[args.long]], args.timeout)
                        instructions = (args.long - args.short) * per_iteration
                        samples[e].append(instructions / max(t_long - t_short, 1e-6) / 1e6)
            except (RuntimeError, subprocess.TimeoutExpired) as err:
                print(f"bench: {name}: {err}")
                return 1
            results[name] = {e: statistics.median(s) for e, s in samples.items()}
            results[name]["samples"] = samples
    print(f"x86 CPU, -M pc, MIPS (median of {args.runs}; {args.long - args.short} loop iterations timed):")
    print(f"{'workload':<12} {'emu':>10} {'QEMU':>10} {'ratio':>7}  target")
    for name, r in results.items():
        ratio = r["emu"] / r["qemu"] if r.get("qemu") else None
        r["ratio"] = ratio
        qemu_text = f"{r['qemu']:10.1f}" if r.get("qemu") else f"{'-':>10}"
        ratio_text = f"{ratio:7.3f}" if ratio else f"{'-':>7}"
        print(f"{name:<12} {r['emu']:10.1f} {qemu_text} {ratio_text}  >= 0.25x")
    with open(os.path.join(args.build, "bench-x86cpu.json"), "w") as f:
        json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
