#!/usr/bin/env bash
# Start-up benchmark: how long `emu --list-plugins` and `emu -M help` take, with the in-tree
# plugins only and with 100 generated plugins more, beside QEMU's `qemu-system-x86_64 -M help`.
#
#   bench/startup/run.sh [BUILD_DIR]        (default ./build; must hold emu and libemu.so)
#
# The 100 plugins are generated from generated_plugin.cpp.in and built once into
# BUILD_DIR/bench-plugins; they are rebuilt only when missing or when the template, the SDK
# headers or the compile command change. Times are the median of 20 runs after 3 warm-ups,
# with hyperfine when installed, else a small timing loop in python3. Results are printed as
# a table and written to BUILD_DIR/bench-startup.json.
#
# Exit status: 0 whether or not the targets are met (this is a benchmark, not a test); non-zero
# only when something failed to build or run.
#
# Environment knobs (all optional):
#   BENCH_PLUGINS=100           how many plugins to generate
#   BENCH_RUNS=20 BENCH_WARMUP=3
#   BENCH_TARGET_INTREE_MS=20   target for both commands with the in-tree plugins only
#   BENCH_TARGET_MANY_MS=60     target for both commands with the generated plugins added
#   BENCH_JOBS=2                parallel compiles
#   BENCH_TIMER=auto|hyperfine|python
#   BENCH_QEMU=qemu-system-x86_64
#   CXX=g++
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src_dir=$(cd "$here/../.." && pwd)
template=$here/generated_plugin.cpp.in

build_arg=${1:-./build}
if [[ ! -d $build_arg ]]; then
    echo "run.sh: build directory '$build_arg' does not exist (build emu first)" >&2
    exit 2
fi
build=$(cd "$build_arg" && pwd)
emu=$build/emu
if [[ ! -x $emu ]]; then
    echo "run.sh: no emu executable in $build (build emu first)" >&2
    exit 2
fi
if [[ ! -e $build/libemu.so ]]; then
    echo "run.sh: no libemu.so in $build" >&2
    exit 2
fi
newer=$(find "$src_dir/sdk/include" "$src_dir/core" -newer "$(readlink -f "$build/libemu.so")" -type f \( -name '*.h' -o -name '*.cpp' \) | head -n 3)
if [[ -n $newer ]]; then
    echo "bench: warning: $build is older than the sources (e.g. ${newer//$'\n'/, }): rebuild it for current figures" >&2
fi
command -v python3 >/dev/null || { echo "run.sh: python3 is required" >&2; exit 2; }

count=${BENCH_PLUGINS:-100}
runs=${BENCH_RUNS:-20}
warmup=${BENCH_WARMUP:-3}
target_intree=${BENCH_TARGET_INTREE_MS:-20}
target_many=${BENCH_TARGET_MANY_MS:-60}
jobs=${BENCH_JOBS:-2}
timer=${BENCH_TIMER:-auto}
qemu_name=${BENCH_QEMU:-qemu-system-x86_64}
cxx=${CXX:-g++}

cache=$build/bench-plugins
plugin_dir=$cache/plugins      # nothing but the generated .so files: emu loads every *.so here
gen_dir=$cache/src
log_dir=$cache/logs
results_json=$build/bench-startup.json

# ---- Keep the measurement hermetic --------------------------------------------------------
# No EMU_PLUGIN_PATH, and an empty user plugin dir, so only the in-tree and generated plugins
# are loaded whatever the person running this has installed.
unset EMU_PLUGIN_PATH
work=$(mktemp -d "${TMPDIR:-/tmp}/emu-bench-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME=$work/xdg
mkdir -p "$XDG_DATA_HOME"

# ---- Build the generated plugins once ------------------------------------------------------
cxxflags=(-std=c++20 -O2 -DNDEBUG -fPIC -fvisibility=hidden -fvisibility-inlines-hidden
          -Wall -Wextra -Wno-missing-field-initializers)
ldflags='-shared -L<build> -lemu -Wl,-rpath,<build>'   # as used in compile_one below

# Everything the built plugins depend on: the template, the SDK headers (the plugin ABI) and
# the compile command. A change to any of these rebuilds all of them.
stamp=$({
    echo "count=$count"
    echo "cxx=$cxx $("$cxx" --version | head -n1)"
    echo "cxxflags=${cxxflags[*]} ldflags=$ldflags build=$build include=$src_dir/sdk/include"
    sha256sum "$template"
    find "$src_dir/sdk/include" -type f -name '*.h' -print0 | sort -z | xargs -0 sha256sum
} | sha256sum | cut -d' ' -f1)

if [[ ! -f $cache/stamp || $(cat "$cache/stamp") != "$stamp" ]]; then
    [[ -d $cache ]] && echo "bench: template, SDK headers or flags changed: rebuilding the generated plugins"
    rm -rf "$plugin_dir" "$gen_dir" "$log_dir" "$cache/stamp"
fi
mkdir -p "$plugin_dir" "$gen_dir" "$log_dir"
echo "$stamp" > "$cache/stamp"   # a plugin still missing after a failed build is built next time

todo=()
for ((n = 0; n < count; n++)); do
    with_machine=$(( n % 10 == 0 ? 1 : 0 ))
    source=$gen_dir/bench_$n.cpp
    if [[ ! -f $source ]]; then
        sed -e "s/@N@/$n/g" -e "s/@WITH_MACHINE@/$with_machine/g" "$template" > "$source.tmp"
        mv "$source.tmp" "$source"
    fi
    [[ -f $plugin_dir/bench_$n.so ]] || todo+=("$n")
done

if ((${#todo[@]} > 0)); then
    echo "bench: building ${#todo[@]} generated plugins into $plugin_dir (-j$jobs; about 5 s of CPU each)"
    compile_one() {  # runs under xargs, in a child bash: uses only exported scalars
        local n=$1 out=$plugin_dir/bench_$1.so
        local -a flags
        read -ra flags <<< "$cxxflags_str"   # no flag holds a space; paths are passed apart
        # Build into a temporary name so an interrupted run never leaves a half-written plugin.
        if "$cxx" "${flags[@]}" -I"$src_dir/sdk/include" "$gen_dir/bench_$n.cpp" -o "$out.tmp.$$" \
                -shared -L"$build" -lemu -Wl,-rpath,"$build" > "$log_dir/bench_$n.log" 2>&1; then
            mv "$out.tmp.$$" "$out"
        else
            rm -f "$out.tmp.$$"
            echo "bench: FAILED to build plugin $n; see $log_dir/bench_$n.log:" >&2
            tail -n 20 "$log_dir/bench_$n.log" >&2
            return 1
        fi
    }
    export -f compile_one
    export cxx src_dir build gen_dir plugin_dir log_dir
    export cxxflags_str="${cxxflags[*]}"
    start=$(date +%s)
    # shellcheck disable=SC2016  # $1 is expanded by the child bash, on purpose
    printf '%s\n' "${todo[@]}" | xargs -P "$jobs" -n 1 bash -c 'compile_one "$1"' _ \
        || { echo "bench: building the generated plugins failed" >&2; exit 1; }
    echo "bench: built ${#todo[@]} plugins in $(( $(date +%s) - start )) s"
fi

# ---- Check that what we measure actually works ---------------------------------------------
in_tree=0
if [[ -d $build/plugins ]]; then
    in_tree=$(find "$build/plugins" -maxdepth 1 -name '*.so' | wc -l)
fi

# loaded_plugins [ARGS...]: how many plugins emu loads with these arguments; warns about each
# one that failed (an in-tree plugin that fails is still measured as it is, with a warning).
loaded_plugins() {
    local json
    json=$("$emu" "$@" --list-plugins --json) || { echo "bench: emu $* --list-plugins --json failed" >&2; return 1; }
    python3 - "$json" <<'PY'
import json, sys
doc = json.loads(sys.argv[1])
plugins = [p for p in doc["plugins"] if p["name"] != "core"]
for p in plugins:
    if not p["loaded"]:
        print(f"bench: warning: plugin {p['file']} not loaded: {p.get('error', '?')}", file=sys.stderr)
print(sum(1 for p in plugins if p["loaded"]))
PY
}
in_tree_loaded=$(loaded_plugins) || exit 1
if ((in_tree_loaded != in_tree)); then
    echo "bench: warning: only $in_tree_loaded of the $in_tree in-tree plugins load; measuring as is" >&2
fi
many_loaded=$(loaded_plugins --plugin-dir "$plugin_dir") || exit 1
if ((many_loaded != in_tree_loaded + count)); then
    echo "bench: the generated plugins do not all load ($((many_loaded - in_tree_loaded)) of $count);" \
         "delete $cache to rebuild them" >&2
    exit 1
fi
"$emu" -M help > /dev/null || { echo "bench: emu -M help failed" >&2; exit 1; }
"$emu" --plugin-dir "$plugin_dir" -M help > /dev/null || { echo "bench: emu -M help failed with the generated plugins" >&2; exit 1; }

qemu=$(command -v "$qemu_name" || true)
if [[ -n $qemu ]] && ! "$qemu" -M help > /dev/null 2>&1; then
    echo "bench: warning: $qemu -M help failed; leaving QEMU out" >&2
    qemu=
fi

# ---- Timing ---------------------------------------------------------------------------------
if [[ $timer == auto ]]; then
    if command -v hyperfine >/dev/null; then timer=hyperfine; else timer=python; fi
fi
if [[ $timer == hyperfine ]] && ! command -v hyperfine >/dev/null; then
    echo "run.sh: BENCH_TIMER=hyperfine but hyperfine is not installed (apt-get install hyperfine)" >&2
    exit 2
fi
hyperfine_shell=()
if [[ $timer == hyperfine ]]; then
    # Run the command directly, not through a shell, when this hyperfine can (1.13+): the
    # numbers then carry no shell start-up to subtract.
    if hyperfine --help 2>/dev/null | grep -qE -- "^ +-N *\$"; then
        hyperfine_shell=(-N)
    fi
fi

# time_case ID COMMAND...: writes $work/ID.json in hyperfine's export format (results[0]).
time_case() {
    local id=$1; shift
    local out=$work/$id.json
    if [[ $timer == hyperfine ]]; then
        local cmd
        cmd=$(printf '%q ' "$@")
        hyperfine "${hyperfine_shell[@]}" --warmup "$warmup" --runs "$runs" --style none \
            --export-json "$out" -n "$id" -- "${cmd% }" > "$work/$id.log" 2>&1 \
            || { cat "$work/$id.log" >&2; echo "bench: timing '$*' failed" >&2; return 1; }
    else
        python3 - "$out" "$warmup" "$runs" "$@" <<'EOF' \
            || { echo "bench: timing '${*}' failed" >&2; return 1; }
import json, statistics, subprocess, sys, time
out, warmup, runs, cmd = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
def once():
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0
for _ in range(warmup):
    once()
times = [once() for _ in range(runs)]
json.dump({"results": [{"command": " ".join(cmd), "mean": statistics.mean(times),
                        "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
                        "median": statistics.median(times), "min": min(times),
                        "max": max(times), "times": times}]}, open(out, "w"))
EOF
    fi
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)
echo "bench: timing with $timer: median of $runs runs after $warmup warm-ups" \
     "(in-tree plugins loaded: $in_tree_loaded, generated: $count)"
time_case list-intree "$emu" --list-plugins
time_case mhelp-intree "$emu" -M help
time_case list-many "$emu" --plugin-dir "$plugin_dir" --list-plugins
time_case mhelp-many "$emu" --plugin-dir "$plugin_dir" -M help
if [[ -n $qemu ]]; then
    time_case qemu-mhelp "$qemu" -M help
fi

# ---- Report -----------------------------------------------------------------------------------
emu_version=$("$emu" --version | head -n1)
qemu_version=
[[ -n $qemu ]] && qemu_version=$("$qemu" --version | head -n1)

python3 - "$work" "$results_json" "$timer" "$runs" "$warmup" "$in_tree_loaded" "$count" \
         "$target_intree" "$target_many" "$emu" "$emu_version" "$plugin_dir" \
         "${qemu:-}" "$qemu_version" "$qemu_name" "$load_start" <<'EOF'
import datetime, json, os, platform, sys

(work, results_json, timer, runs, warmup, in_tree, count, target_intree, target_many, emu,
 emu_version, plugin_dir, qemu, qemu_version, qemu_name, load_start_text) = sys.argv[1:]
in_tree, count = int(in_tree), int(count)
target_intree, target_many = float(target_intree), float(target_many)

def load(case_id):
    with open(os.path.join(work, case_id + ".json")) as f:
        r = json.load(f)["results"][0]
    return {k: r[k] * 1000.0 for k in ("median", "mean", "stddev", "min", "max")}

def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()

in_tree_label = f"{in_tree} in-tree plugin" + ("" if in_tree == 1 else "s")
cases = [
    ("list-intree", f"emu --list-plugins ({in_tree_label})",
     [emu, "--list-plugins"], target_intree),
    ("mhelp-intree", f"emu -M help ({in_tree_label})", [emu, "-M", "help"], target_intree),
    ("list-many", f"emu --list-plugins (+{count} generated)",
     [emu, "--plugin-dir", plugin_dir, "--list-plugins"], target_many),
    ("mhelp-many", f"emu -M help (+{count} generated)",
     [emu, "--plugin-dir", plugin_dir, "-M", "help"], target_many),
]
rows, out_cases = [], []
for case_id, label, cmd, target in cases:
    t = load(case_id)
    verdict = "PASS" if t["median"] < target else "OVER"
    rows.append((label, f"{t['median']:.1f}", f"{t['min']:.1f}", f"{target:.0f}", verdict))
    out_cases.append({"id": case_id, "label": label, "command": cmd, "target_ms": target,
                      "verdict": verdict, **{k + "_ms": round(v, 3) for k, v in t.items()}})

peer = None
if qemu:
    t = load("qemu-mhelp")
    peer = {"id": "qemu-mhelp", "label": f"{qemu_name} -M help (peer)", "command": [qemu, "-M", "help"],
            "version": qemu_version, **{k + "_ms": round(v, 3) for k, v in t.items()}}
    rows.append((peer["label"], f"{t['median']:.1f}", f"{t['min']:.1f}", "-", "peer"))
else:
    rows.append((f"{qemu_name} -M help (peer)", "not installed", "-", "-", "-"))

by_id = {c["id"]: c for c in out_cases}
ratios = {}
if peer:
    for case_id in ("mhelp-intree", "mhelp-many"):
        ratios[case_id + "/qemu-mhelp"] = round(by_id[case_id]["median_ms"] / peer["median_ms"], 3)

try:
    load_avg = [round(x, 2) for x in os.getloadavg()]
except OSError:
    load_avg = None
load_start = [round(float(x), 2) for x in load_start_text.split()[:3]] if load_start_text else None
headers = ("case", "median ms", "min ms", "target ms", "result")
widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
line = "  ".join("-" * w for w in widths)
print()
print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths))))
print(line)
for r in rows:
    print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
print(line)
if peer:
    for case_id in ("mhelp-intree", "mhelp-many"):
        print(f"ratio emu/QEMU for -M help, {by_id[case_id]['label'].split('(', 1)[1].rstrip(')')}: "
              f"{ratios[case_id + '/qemu-mhelp']:.2f}x")
else:
    print(f"ratio emu/QEMU for -M help: n/a ({qemu_name} not installed)")
cpus = os.cpu_count() or 1
busiest = max((load_start or [0])[0], (load_avg or [0])[0])
if busiest > 0.5 * cpus:
    print(f"note: the machine was busy (1-min load average up to {busiest:.1f} on {cpus} CPUs): "
          "figures are inflated and noisy; compare min ms, or rerun on an idle machine")

doc = {
    "benchmark": "startup",
    "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    "host": {"cpus": os.cpu_count(), "cpu_model": cpu_model(), "kernel": platform.release(),
             "load_average_at_start": load_start, "load_average_at_end": load_avg},
    "emu": {"binary": emu, "version": emu_version, "in_tree_plugins": in_tree,
            "generated_plugins": count, "generated_plugin_dir": plugin_dir},
    "method": {"timer": timer, "runs": int(runs), "warmup": int(warmup), "statistic": "median",
               "env": "EMU_PLUGIN_PATH unset, XDG_DATA_HOME=<empty temp dir>"},
    "cases": out_cases,
    "peer": peer,
    "ratios": ratios,
}
with open(results_json, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
print(f"results written to {results_json}")
EOF
