#!/usr/bin/env python3
"""Network benchmark: guest TCP throughput per NIC on -M virt over -netdev user, emu beside
Debian's qemu-system-arm on the same kernel and initramfs, and the host CPU time each spends per
MiB outside its vCPU threads (the I/O path: back end, NIC model, event loop).

Each run boots the guest with tests/guests/net_linux.py (which loads the NIC's Linux driver,
takes a DHCP lease, downloads BENCH_DOWNLOAD_MIB from an HTTP server on the host's loopback with
its checksum checked, and uploads BENCH_UPLOAD_MIB), emu and QEMU interleaved, BENCH_RUNS times;
the figures are medians. Prints a table and writes BUILD_DIR/bench-net.json.

    bench/net/run.py [BUILD_DIR] [NIC ...]      (default ./build; NICs: all of NICS below)

The target (issue #7): the emu/QEMU throughput ratio is no lower than the CPU benchmark's ratio
(bench/cpu): the NIC must not be the bottleneck. Exit status 0 whether or not it is met.
Knobs: BENCH_RUNS (3), BENCH_DOWNLOAD_MIB (64), BENCH_UPLOAD_MIB (8), BENCH_QEMU (qemu-system-arm).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DRIVER = os.path.join(ROOT, "tests", "guests", "net_linux.py")

# NIC -device text -> Linux modules to load.
NICS = {
    "e1000": "e1000",
    "virtio-net-pci": "virtio_pci,virtio_net",
    "virtio-net-device": "virtio_mmio,virtio_net",
    "rtl8139": "8139cp",
    "ne2k_pci": "ne2k-pci",
}


def one_run(binary, peer, nic, modules, download, upload):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        argv = [sys.executable, DRIVER, binary, "--peer", peer, "--device", nic, "--modules", modules,
                "--download-mib", str(download), "--upload-mib", str(upload), "--json", out.name]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"{peer} {nic}: {proc.stdout[-2000:]}{proc.stderr[-1000:]}")
        return json.load(open(out.name))


def median_of(runs, key):
    values = [r[key] for r in runs if key in r]
    return statistics.median(values) if values else None


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    nics = sys.argv[2:] or list(NICS)
    emu = os.path.join(build, "emu")
    qemu = os.environ.get("BENCH_QEMU", "qemu-system-arm")
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    download = int(os.environ.get("BENCH_DOWNLOAD_MIB", "64"))
    upload = int(os.environ.get("BENCH_UPLOAD_MIB", "8"))
    load = os.getloadavg()[0]
    results, failures = {}, []
    for nic in nics:
        modules = NICS.get(nic)
        if modules is None:
            sys.exit(f"bench/net: unknown NIC {nic} (known: {', '.join(NICS)})")
        got = {"emu": [], "qemu": []}
        for i in range(runs):
            for peer, binary in (("emu", emu), ("qemu", qemu)):
                try:
                    got[peer].append(one_run(binary, peer, nic, modules, download, upload))
                except Exception as e:  # noqa: BLE001 - reported, the table still prints
                    failures.append(str(e))
        row = {}
        for peer in got:
            for key in ("download_mib_per_s", "upload_mib_per_s", "download_io_cpu_ms_per_mib",
                        "upload_io_cpu_ms_per_mib"):
                row[f"{peer}_{key}"] = median_of(got[peer], key)
        for way in ("download", "upload"):
            e, q = row[f"emu_{way}_mib_per_s"], row[f"qemu_{way}_mib_per_s"]
            row[f"{way}_ratio"] = round(e / q, 3) if e and q else None
        results[nic] = row

    print(f"guest TCP throughput over -netdev user, median of {runs} (MiB/s; I/O CPU ms per MiB outside "
          f"vCPU threads){'  [load %.1f: figures inflated]' % load if load > 1 else ''}")
    print(f"{'NIC':<20}{'way':<10}{'emu':>8}{'QEMU':>8}{'ratio':>8}{'emu io':>9}{'QEMU io':>9}")
    for nic, row in results.items():
        for way in ("download", "upload"):
            def fmt(v, width):
                return f"{v:>{width}}" if v is not None else f"{'-':>{width}}"
            print(f"{nic:<20}{way:<10}{fmt(row[f'emu_{way}_mib_per_s'], 8)}{fmt(row[f'qemu_{way}_mib_per_s'], 8)}"
                  f"{fmt(row[f'{way}_ratio'], 8)}{fmt(row[f'emu_{way}_io_cpu_ms_per_mib'], 9)}"
                  f"{fmt(row[f'qemu_{way}_io_cpu_ms_per_mib'], 9)}")
    cpu_json = os.path.join(build, "bench-cpu.json")
    if os.path.exists(cpu_json):
        print(f"compare with the CPU benchmark's ratios in {cpu_json} (target: no lower)")
    with open(os.path.join(build, "bench-net.json"), "w") as f:
        json.dump({"runs": runs, "download_mib": download, "upload_mib": upload, "load": load,
                   "results": results, "failures": failures}, f, indent=1)
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
