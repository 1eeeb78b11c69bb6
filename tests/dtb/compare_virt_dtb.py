"""emu's generated `virt` device tree against QEMU's for the same configuration
(`-M virt,highmem=off,dumpdtb=` with -cpu cortex-a15, -m 128, -smp N): both must pass
`dtc -I dtb -O dts` without warnings, and name the same nodes with the same compatibles
(phandle values and property order are ignored).

Known and intended differences, listed so that anything else fails:
- platform-bus@c000000: QEMU's dynamic sysbus area for -device sysbus devices; emu has none.
- intc/v2m@8020000: QEMU's GICv2m MSI frame; emu's GIC has no MSI frame (PCIe uses INTx).
- pmu: QEMU's CPU has a PMU; emu's Cortex-A15 reports none in its ID registers.

Usage: compare_virt_dtb.py EMU [--smp N]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "guests"))
from console import skip  # noqa: E402

EXPECTED_ONLY_IN_QEMU = {"/platform-bus@c000000", "/intc@8000000/v2m@8020000", "/pmu"}


def nodes(dts):
    """{path: compatible string or None} from dtc's output."""
    result, stack = {}, []
    for line in dts.splitlines():
        line = line.strip()
        m = re.match(r"^([A-Za-z0-9_,.+-]+(?:@[0-9a-fA-F,]+)?) \{$", line)
        if m:
            stack.append(m.group(1))
            result["/" + "/".join(stack)] = None
        elif line == "/ {":
            stack = []
            result["/"] = None
        elif line == "};" and stack:
            stack.pop()
        elif line.startswith("compatible = "):
            result["/" + "/".join(stack) if stack else "/"] = line[len("compatible = "):].rstrip(";")
    return result


def decompile(path):
    proc = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", path], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"FAILED: dtc could not read {path}: {proc.stderr}")
    return proc.stdout, proc.stderr.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("emu")
    parser.add_argument("--smp", default="1")
    args = parser.parse_args()
    qemu = shutil.which("qemu-system-arm")
    if not qemu or not shutil.which("dtc"):
        skip("qemu-system-arm or dtc is not installed (tests/setup/install-deps.sh installs them)")
    with tempfile.TemporaryDirectory() as tmp:
        emu_dtb, qemu_dtb = os.path.join(tmp, "emu.dtb"), os.path.join(tmp, "qemu.dtb")
        common = ["-m", "128", "-smp", args.smp]
        subprocess.run([args.emu, "-M", f"virt,dumpdtb={emu_dtb}"] + common, check=True)
        subprocess.run([qemu, "-M", f"virt,highmem=off,dumpdtb={qemu_dtb}", "-cpu", "cortex-a15",
                        "-nographic"] + common, check=True, capture_output=True)
        emu_dts, emu_warnings = decompile(emu_dtb)
        qemu_dts, _ = decompile(qemu_dtb)
    failures = []
    if emu_warnings:
        failures.append(f"dtc warns about emu's tree:\n{emu_warnings}")
    ours, theirs = nodes(emu_dts), nodes(qemu_dts)
    for path in sorted(set(theirs) - set(ours) - EXPECTED_ONLY_IN_QEMU):
        failures.append(f"only in QEMU's tree: {path} ({theirs[path]})")
    for path in sorted(set(ours) - set(theirs)):
        failures.append(f"only in emu's tree: {path} ({ours[path]})")
    for path in sorted(set(ours) & set(theirs)):
        if ours[path] != theirs[path]:
            failures.append(f"{path}: compatible {ours[path]} in emu, {theirs[path]} in QEMU")
    print(f"emu: {len(ours)} nodes, QEMU: {len(theirs)} nodes ({len(EXPECTED_ONLY_IN_QEMU)} known QEMU-only)")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("same nodes and compatibles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
