"""A NIC judged by Linux's own driver: Debian's armhf kernel on emu -M virt loads the driver module
from its initramfs, gets a DHCP lease from -netdev user, pings 10.0.2.2, downloads a file from an
HTTP server this script runs on the host's loopback (checksum compared) and uploads one to it.

Usage: net_linux.py EMU [--device DEV] --modules MOD[,MOD] [--download-mib N] [--upload-mib N]
                        [--pcap] [--smp N] [--json FILE] [--peer qemu]
                        [--machine M] [--dtb FILE] [--arch amd64|i386] [--append TEXT]

--device is the -device text without netdev= (e.g. "e1000", "rtl8139,revision=..."); the script
adds netdev=n0. Without --device the board's on-board NIC takes -netdev n0 (vexpress-a15's
LAN9118). --machine picks the board (default virt); --dtb is its tree (relative paths are under
the guest directory's armhf/), for boards that boot with the kernel package's tree. On the x86
boards (--machine pc or q35, with kvm) the guest is Debian's x86 kernel from
tests/setup/fetch-x86-guests.sh: --arch amd64 (default; no ISA drivers) or i386 (which has the
ISA NE2000 driver `ne`); --append adds kernel parameters (e.g. "ne.io=0x300 ne.irq=5"). These are
skipped at once where the host's kvm cannot run Linux (x86_linux.py: kvm-pvm).
--pcap also dumps the netdev with -object filter-dump and checks that the dump holds the guest's
DHCP exchange. --json writes the figures for benchmarks (bench/net): MiB/s each way, and the host CPU seconds per MiB spent outside the vCPU threads (threads named "CPU *",
as both emu and QEMU name them). --peer qemu runs the same guest on Debian's qemu-system-arm
(EMU is then the QEMU binary) so the benchmark can compare.
"""
import argparse
import hashlib
import http.server
import json
import os
import random
import re
import socketserver
import struct
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from console import Console, GuestError, skip  # noqa: E402
import x86_linux  # noqa: E402

BLOCK = 1 << 20


def blob_block(index):
    """Deterministic, incompressible 1 MiB blocks, so the file need not sit in memory."""
    return random.Random(index).randbytes(BLOCK)


class HostServer:
    """GET /blob (N MiB) and POST /upload (answers the body's md5) on 127.0.0.1."""

    def __init__(self, download_mib):
        self.download_mib = download_mib
        md5 = hashlib.md5()
        for i in range(download_mib):
            md5.update(blob_block(i))
        self.blob_md5 = md5.hexdigest()
        self.uploads = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path != "/blob":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(owner.download_mib * BLOCK))
                self.end_headers()
                for i in range(owner.download_mib):
                    self.wfile.write(blob_block(i))

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                md5, left = hashlib.md5(), length
                while left:
                    chunk = self.rfile.read(min(left, 65536))
                    if not chunk:
                        break
                    md5.update(chunk)
                    left -= len(chunk)
                owner.uploads.append((length - left, md5.hexdigest()))
                body = f"upload-md5 {md5.hexdigest()}\n".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


def pcap_has_dhcp(path):
    """True if the pcap file holds a DHCP DISCOVER or REQUEST and an OFFER or ACK."""
    data = open(path, "rb").read()
    if len(data) < 24 or struct.unpack_from("<I", data)[0] not in (0xa1b2c3d4, 0xa1b23c4d):
        raise GuestError(f"{path} is not a little-endian pcap file")
    if struct.unpack_from("<I", data, 20)[0] != 1:
        raise GuestError(f"{path}: link type is not Ethernet")
    seen, at = set(), 24
    while at + 16 <= len(data):
        captured = struct.unpack_from("<I", data, at + 8)[0]
        frame = data[at + 16:at + 16 + captured]
        at += 16 + captured
        # Ethernet/IPv4/UDP 67<->68, BOOTP magic cookie, option 53 = message type.
        if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue
        ihl = (frame[14] & 0xf) * 4
        udp = 14 + ihl
        ports = struct.unpack_from(">HH", frame, udp)
        if set(ports) != {67, 68}:
            continue
        options = frame[udp + 8 + 240:]
        i = 0
        while i + 2 <= len(options) and options[i] != 255:
            if options[i] == 0:
                i += 1
                continue
            if options[i] == 53:
                seen.add(options[i + 2])
            i += 2 + options[i + 1]
    return bool(seen & {1, 3}) and bool(seen & {2, 5}), seen


def cpu_outside_vcpus(pid):
    """CPU seconds (user + system) of the process's threads not named "CPU *"."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    for tid in tasks:
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            fields = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if not name.startswith("CPU "):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("emu")
    parser.add_argument("--device")
    parser.add_argument("--machine", default="virt")
    parser.add_argument("--dtb")
    parser.add_argument("--arch", choices=["amd64", "i386"], default="amd64")
    parser.add_argument("--append", default="")
    parser.add_argument("--modules", required=True)
    parser.add_argument("--download-mib", type=int, default=64)
    parser.add_argument("--upload-mib", type=int, default=8)
    parser.add_argument("--smp", default="1")
    parser.add_argument("--memory", default="256")
    parser.add_argument("--pcap", action="store_true")
    parser.add_argument("--accel", choices=["kvm", "tcg"], default="kvm",
                        help="x86 boards: kvm, or tcg (emu's own x86 CPU, no kvm probe)")
    parser.add_argument("--json")
    parser.add_argument("--peer", choices=["emu", "qemu"], default="emu")
    parser.add_argument("--guests", default=os.environ.get("EMU_GUEST_DIR", os.path.expanduser("~/.cache/emu/guests")))
    args = parser.parse_args()
    x86 = args.machine in x86_linux.X86_MACHINES
    if x86:
        kernel = x86_linux.kernel_argv(args.guests, args.arch, args.append)
        if args.accel == "kvm":
            x86_linux.probe_kvm()
    else:
        zimage = os.path.join(args.guests, "armhf", "zImage")
        initrd = os.path.join(args.guests, "armhf", "initramfs.cpio.gz")
        for f in (zimage, initrd):
            if not os.path.exists(f):
                skip(f"{f} not found (run tests/setup/fetch-guests.sh)")
        append = "console=ttyAMA0 panic=-1" + (f" {args.append}" if args.append else "")
        kernel = ["-kernel", zimage, "-initrd", initrd, "-append", append]

    server = HostServer(args.download_mib)
    workdir = tempfile.mkdtemp(prefix="emu-net-")
    pcap = os.path.join(workdir, "n0.pcap")
    dtb = []
    if args.dtb:
        path = args.dtb if os.path.isabs(args.dtb) else os.path.join(args.guests, "armhf", args.dtb)
        if not os.path.exists(path):
            skip(f"{path} not found (run tests/setup/fetch-guests.sh)")
        dtb = ["-dtb", path]
    virt_qemu = args.peer == "qemu" and args.machine == "virt"
    machine = "virt,highmem=off" if virt_qemu else args.machine
    cpu = ["-cpu", "cortex-a15"] if virt_qemu else []
    if args.device:
        nic = ["-device", f"{args.device},netdev=n0"]
    else:  # the on-board NIC (QEMU: the legacy -net nic takes nd_table[0])
        nic = ["-net", "nic,netdev=n0"] if args.peer == "qemu" else []
    if x86:
        cpu = ["-accel", args.accel]
    argv = ([args.emu, "-M", machine] + cpu + ["-smp", args.smp, "-m", args.memory] + kernel + dtb
            + ["-nographic", "-netdev", "user,id=n0"] + nic)
    if args.pcap:
        argv += ["-object", f"filter-dump,id=f0,netdev=n0,file={pcap}"]
    print(" ".join(argv))
    console = Console(argv)
    figures = {"device": args.device or f"{args.machine} on-board"}

    def run(command, expect, timeout):
        console.send(command + "\n")
        when = console.expect(expect, timeout)
        console.expect("guest# ", 30)
        return when

    try:
        try:
            console.expect("emu-init: reached init", 300)
        except GuestError:
            if x86:
                x86_linux.skip_if_kvm_failed(console)
            raise
        console.expect("guest# ", 30)
        for module in args.modules.split(","):
            run(f"modprobe {module}; echo modprobe-rc=$?", "modprobe-rc=0", 60)
        run("ip link set eth0 up; echo link-rc=$?", "link-rc=0", 30)
        run("udhcpc -i eth0 -n -q -T 2 -t 10", "emu-dhcp: eth0 10.0.2.15", 90)
        print("DHCP lease 10.0.2.15")
        run("ping -c 3 -W 5 10.0.2.2", "3 packets received", 60)
        print("ping 10.0.2.2: 3 of 3 answered")

        url = f"http://10.0.2.2:{server.port}"
        console.send(f"wget -q -O - {url}/blob | md5sum\n")
        start, cpu0 = time.monotonic(), cpu_outside_vcpus(console.proc.pid)
        console.expect(server.blob_md5, 60 + 20 * args.download_mib)
        seconds = time.monotonic() - start
        console.expect("guest# ", 30)
        figures["download_mib"] = args.download_mib
        figures["download_mib_per_s"] = round(args.download_mib / seconds, 2)
        cpu1 = cpu_outside_vcpus(console.proc.pid)
        if cpu0 is not None and cpu1 is not None:
            figures["download_io_cpu_ms_per_mib"] = round(1000 * (cpu1 - cpu0) / args.download_mib, 2)
        print(f"download: {args.download_mib} MiB, md5 {server.blob_md5} matches, "
              f"{figures['download_mib_per_s']} MiB/s")

        if args.upload_mib:
            # "up""md5" on the command line, "upmd5" in the output: the echo cannot match.
            # busybox wget sends --post-file as a C string (strlen), so the payload is text:
            # base64 of random bytes, 4/3 of --upload-mib.
            run(f"dd if=/dev/urandom bs=1M count={args.upload_mib} 2>/dev/null | base64 > /tmp/up; "
                f"echo \"up\"\"md5 $(md5sum < /tmp/up)\"", "upmd5 ", 120)
            match = re.findall(rb"upmd5 ([0-9a-f]{32})", console.buffer)
            if not match:
                raise GuestError(f"no md5 of /tmp/up in the transcript\n{console.tail()}")
            local = match[-1].decode()
            console.send(f"wget -q -O - --post-file /tmp/up {url}/upload\n")
            start, cpu0 = time.monotonic(), cpu_outside_vcpus(console.proc.pid)
            console.expect(f"upload-md5 {local}", 60 + 20 * args.upload_mib)
            seconds = time.monotonic() - start
            console.expect("guest# ", 30)
            uploaded = server.uploads[-1][0] / BLOCK if server.uploads else args.upload_mib
            figures["upload_mib"] = round(uploaded, 2)
            figures["upload_mib_per_s"] = round(uploaded / seconds, 2)
            cpu1 = cpu_outside_vcpus(console.proc.pid)
            if cpu0 is not None and cpu1 is not None:
                figures["upload_io_cpu_ms_per_mib"] = round(1000 * (cpu1 - cpu0) / uploaded, 2)
            print(f"upload: {uploaded:.2f} MiB, md5 {local} matches on the host, "
                  f"{figures['upload_mib_per_s']} MiB/s")

        console.send("poweroff -f\n")
        status = console.wait_exit(60)
        if status != 0:
            raise GuestError(f"emu exited with {status} after poweroff -f, expected 0\n{console.tail()}")
        if args.pcap:
            ok, seen = pcap_has_dhcp(pcap)
            if not ok:
                raise GuestError(f"{pcap}: no complete DHCP exchange (message types seen: {sorted(seen)})")
            print(f"pcap dump holds the DHCP exchange (message types {sorted(seen)})")
        if args.json:
            with open(args.json, "w") as f:
                json.dump(figures, f)
    except GuestError as e:
        print(f"FAILED: {e}")
        return 1
    finally:
        console.kill()
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
