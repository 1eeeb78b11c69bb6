#!/usr/bin/env bash
# CPU benchmark: guest MIPS of emu's Cortex-A15 on the virt board beside QEMU's, on bare-metal
# A32 workloads with exactly known instruction counts (bench/cpu/workloads.S):
#   tight               ALU/load/store/branch loop, 10 instructions per iteration
#   call-heavy          16 BL per iteration to 16 two-instruction functions (ADD; BX LR), 50
#   store-to-code-page  the tight loop storing into the 4 KiB page holding its own code, 10
# Each program (bench.c, built here with arm-none-eabi-gcc on the tests/baremetal runtime, MMU
# and caches on) runs its loop in chunks until BENCH_SECONDS of guest time have passed, timing
# itself with CNTVCT/CNTFRQ, prints MIPS = instructions / seconds and powers off (PSCI).
#
#   bench/cpu/run.sh [BUILD_DIR]        (default ./build; must hold emu)
#
# Every program runs BENCH_RUNS times on `BUILD_DIR/emu -M virt -kernel P -nographic` and on
# `qemu-system-arm -M virt -cpu cortex-a15 -kernel P -nographic`, interleaved; the figure is
# the median. Prints a table (workload, emu MIPS, QEMU MIPS, ratio, target) and writes
# BUILD_DIR/bench-cpu.json; programs and run logs go to BUILD_DIR/bench-cpu/.
#
# Exit status: 0 whether or not the targets are met (this is a benchmark, not a test); non-zero
# only when something failed to build or run (the table and JSON are still written, with the
# error).
#
# Environment knobs (all optional):
#   BENCH_RUNS=5               runs per program and emulator
#   BENCH_SECONDS=1            guest seconds per run
#   BENCH_TIMEOUT=120          seconds before a run is killed
#   BENCH_TARGET_TIGHT=0.25    emu/QEMU targets
#   BENCH_TARGET_CALLS=0.5
#   BENCH_QEMU=qemu-system-arm
#   BENCH_CC=arm-none-eabi-gcc
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src_dir=$(cd "$here/../.." && pwd)
rt=$src_dir/tests/baremetal/rt

build_arg=${1:-./build}
if [[ ! -d $build_arg ]]; then
    echo "run.sh: build directory '$build_arg' does not exist (build emu first)" >&2
    exit 2
fi
build=$(cd "$build_arg" && pwd)
emu=$build/emu
runs=${BENCH_RUNS:-5}
seconds=${BENCH_SECONDS:-1}
run_timeout=${BENCH_TIMEOUT:-120}
target_tight=${BENCH_TARGET_TIGHT:-0.25}
target_calls=${BENCH_TARGET_CALLS:-0.5}
qemu=${BENCH_QEMU:-qemu-system-arm}
cc=${BENCH_CC:-arm-none-eabi-gcc}

command -v python3 >/dev/null || { echo "run.sh: python3 is required" >&2; exit 2; }
command -v "$cc" >/dev/null || {
    echo "run.sh: $cc not found (Debian: apt-get install gcc-arm-none-eabi binutils-arm-none-eabi)" >&2
    exit 2
}
[[ -x $emu ]] || echo "bench: warning: no emu executable in $build: emu column left empty" >&2
qemu_path=$(command -v "$qemu" || true)
[[ -n $qemu_path ]] || echo "bench: warning: $qemu not found (apt-get install qemu-system-arm): QEMU column left empty" >&2

out=$build/bench-cpu
logs=$out/logs
mkdir -p "$out" "$logs"
rm -f "$logs"/*.log

# Keep emu hermetic: only the in-tree plugins.
unset EMU_PLUGIN_PATH
work=$(mktemp -d "${TMPDIR:-/tmp}/emu-bench-cpu.XXXXXX")
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME=$work/xdg
mkdir -p "$XDG_DATA_HOME"

# ---- Build ---------------------------------------------------------------------------------
workloads=(tight:1 call-heavy:2 store-to-code-page:3)
cflags=(-march=armv7-a -mfpu=vfpv4-d16 -mfloat-abi=hard -marm -O2 -g -ffreestanding -fno-builtin
        -fno-tree-loop-distribute-patterns -masm-syntax-unified -Wall -Wextra -nostdlib -nostartfiles
        -I"$rt" -T "$rt/link.ld" -Wl,--build-id=none -DBENCH_SECONDS="$seconds")
for w in "${workloads[@]}"; do
    name=${w%%:*}
    "$cc" "${cflags[@]}" -DWORKLOAD="${w##*:}" -o "$out/$name.elf" "$rt/start.S" "$rt/rt.c" \
        "$here/bench.c" "$here/workloads.S" -lgcc
done
echo "bench: built ${#workloads[@]} programs in $out (BENCH_SECONDS=$seconds)"

# ---- Run -------------------------------------------------------------------------------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# run_one LOG CMD...: the output (stdout and stderr) and "exit=<status> wall=<seconds>" in LOG.
run_one() {
    local log=$1
    shift
    local t0 t1 status=0
    t0=$(date +%s.%N)
    timeout -k 5 "$run_timeout" "$@" </dev/null >"$log" 2>&1 || status=$?
    t1=$(date +%s.%N)
    echo "exit=$status wall=$(python3 -c "print(f'{$t1 - $t0:.3f}')")" >>"$log"
    [[ $status -eq 0 ]] && grep -q '^BENCH ' "$log"
}
declare -A broken=()
for ((i = 1; i <= runs; i++)); do
    for w in "${workloads[@]}"; do
        name=${w%%:*}
        elf=$out/$name.elf
        if [[ -x $emu && -z ${broken[emu-$name]:-} ]]; then
            run_one "$logs/emu-$name-$i.log" "$emu" -M virt -kernel "$elf" -nographic ||
                broken[emu-$name]=1  # no more runs after a failure
        fi
        if [[ -n $qemu_path && -z ${broken[qemu-$name]:-} ]]; then
            run_one "$logs/qemu-$name-$i.log" "$qemu_path" -M virt -cpu cortex-a15 -kernel "$elf" -nographic ||
                broken[qemu-$name]=1
        fi
    done
    echo "bench: run $i of $runs done"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- Report ----------------------------------------------------------------------------------
qemu_version=""
[[ -n $qemu_path ]] && qemu_version=$("$qemu_path" --version | head -n 1)
python3 - "$build" "$logs" "$runs" "$seconds" "$target_tight" "$target_calls" "$load_before" "$load_after" \
    "$qemu_version" "$([[ -x $emu ]] && echo "$emu")" <<'EOF'
import json, os, platform, re, statistics, sys, time

build, logs, runs, seconds, t_tight, t_calls, load_before, load_after, qemu_version, emu = sys.argv[1:]
runs = int(runs)
workloads = [("tight", 10, float(t_tight)), ("call-heavy", 50, float(t_calls)), ("store-to-code-page", 10, None)]

def collect(who, name):
    mips, wall, error = [], [], None
    for i in range(1, runs + 1):
        path = os.path.join(logs, f"{who}-{name}-{i}.log")
        if not os.path.exists(path):
            continue
        text = open(path, errors="replace").read()
        m = re.search(r"^BENCH .*\bmips=([0-9.]+)", text, re.M)
        st = re.search(r"^exit=(\d+) wall=([0-9.]+)", text, re.M)
        if m and st and st.group(1) == "0":
            mips.append(float(m.group(1)))
            wall.append(float(st.group(2)))
        elif error is None:
            lines = [l for l in text.splitlines() if l and not l.startswith("exit=")]
            status = st.group(1) if st else "?"
            why = "timed out" if status in ("124", "137") else f"exit status {status}"
            error = f"{why}: " + (" | ".join(lines[:3]) if lines else "no output")
    return {"mips": mips, "median": statistics.median(mips) if mips else None, "wall_s": wall, "error": error}

def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()

results = []
for name, per_iter, target in workloads:
    e = collect("emu", name) if emu else {"mips": [], "median": None, "wall_s": [], "error": "emu not built"}
    q = collect("qemu", name) if qemu_version else {"mips": [], "median": None, "wall_s": [], "error": "QEMU not installed"}
    ratio = e["median"] / q["median"] if e["median"] and q["median"] else None
    met = None if ratio is None or target is None else ratio >= target
    results.append({"workload": name, "instructions_per_iteration": per_iter, "emu": e, "qemu": q,
                    "ratio": ratio, "target_ratio": target, "target_met": met})

def fmt(x, spec):
    return format(x, spec) if x is not None else "-"

print()
print(f"{'workload':<20} {'insns/iter':>10} {'emu MIPS':>10} {'QEMU MIPS':>10} {'emu/QEMU':>9} {'target':>7}  result")
for r in results:
    target = f">={r['target_ratio']:g}x" if r["target_ratio"] is not None else "-"
    if r["target_met"] is None:
        verdict = "-" if r["target_ratio"] is None or (r["emu"]["median"] and r["qemu"]["median"]) else "no figure"
    else:
        verdict = "MET" if r["target_met"] else "BELOW"
    print(f"{r['workload']:<20} {r['instructions_per_iteration']:>10} {fmt(r['emu']['median'], '.1f'):>10} "
          f"{fmt(r['qemu']['median'], '.1f'):>10} {fmt(r['ratio'], '.3f'):>9} {target:>7}  {verdict}")
errors = []
for r in results:
    for who in ("emu", "qemu"):
        if r[who]["error"]:
            errors.append(f"  {who} {r['workload']}: {r[who]['error']}")
if errors:
    print("\nfailed runs:")
    print("\n".join(errors))
print(f"\nmedian of {runs} runs of {seconds} guest second(s); load average before {load_before}, after {load_after}"
      f" on {os.cpu_count()} CPUs")
if float(load_before.split()[0]) > (os.cpu_count() or 1) / 2:
    print("note: the machine was busy (load average above half the CPU count): figures are deflated")

doc = {
    "benchmark": "cpu",
    "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    "host": {"cpus": os.cpu_count(), "cpu_model": cpu_model(), "kernel": platform.release(),
             "load_before": load_before, "load_after": load_after},
    "emu": emu or None,
    "qemu": qemu_version or None,
    "method": {"runs": runs, "guest_seconds_per_run": float(seconds), "statistic": "median",
               "timing": "in guest: CNTVCT ticks / CNTFRQ around the measured loop chunks; instruction counts "
                         "are the loops' own (chunk call overhead not counted)",
               "emu_command": "emu -M virt -kernel PROGRAM.elf -nographic",
               "qemu_command": "qemu-system-arm -M virt -cpu cortex-a15 -kernel PROGRAM.elf -nographic"},
    "results": results,
}
path = os.path.join(build, "bench-cpu.json")
with open(path, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
print(f"wrote {path}")
failed = any(r[who]["error"] not in (None, "emu not built", "QEMU not installed")
             for r in results for who in ("emu", "qemu"))
sys.exit(1 if failed else 0)
EOF
