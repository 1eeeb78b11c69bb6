"""Two emu processes share a wire through -netdev socket (stream listen=/connect=, or udp=/localaddr=):
two Debian armhf Linux guests on -M virt, each with its NIC driver loaded and a static address,
ping each other in both directions.

Usage: net_pair.py EMU [--device DEV] [--modules MOD] [--mode stream|udp]
"""
import argparse
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from console import Console, GuestError, skip  # noqa: E402


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, timeout=60):
    """Until a TCP socket listens on 127.0.0.1:port (read from /proc/net/tcp, so the one-client
    listener is not consumed by a probe connection)."""
    needle = f"0100007F:{port:04X}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open("/proc/net/tcp") as f:
            if any(needle in line and line.split()[3] == "0A" for line in f):
                return
        time.sleep(0.05)
    raise GuestError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("emu")
    parser.add_argument("--device", default="e1000")
    parser.add_argument("--modules", default="e1000")
    parser.add_argument("--mode", choices=["stream", "udp"], default="stream")
    parser.add_argument("--guests", default=os.environ.get("EMU_GUEST_DIR", os.path.expanduser("~/.cache/emu/guests")))
    args = parser.parse_args()
    zimage = os.path.join(args.guests, "armhf", "zImage")
    initrd = os.path.join(args.guests, "armhf", "initramfs.cpio.gz")
    for f in (zimage, initrd):
        if not os.path.exists(f):
            skip(f"{f} not found (run tests/setup/fetch-guests.sh)")

    if args.mode == "stream":
        port = free_port(socket.SOCK_STREAM)
        backends = [f"socket,id=n0,listen=127.0.0.1:{port}", f"socket,id=n0,connect=127.0.0.1:{port}"]
    else:
        a, b = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
        backends = [f"socket,id=n0,udp=127.0.0.1:{b},localaddr=127.0.0.1:{a}",
                    f"socket,id=n0,udp=127.0.0.1:{a},localaddr=127.0.0.1:{b}"]

    guests = []
    try:
        for i, backend in enumerate(backends):
            argv = [args.emu, "-M", "virt", "-m", "256", "-kernel", zimage, "-initrd", initrd,
                    "-append", "console=ttyAMA0 panic=-1", "-nographic", "-netdev", backend,
                    "-device", f"{args.device},netdev=n0,mac=52:54:00:00:07:0{i + 1}"]
            print(" ".join(argv))
            guests.append(Console(argv))
            if i == 0 and args.mode == "stream":
                wait_listening(port)  # the second emu connects at start-up
        for i, guest in enumerate(guests):
            guest.expect("emu-init: reached init", 300)
            guest.expect("guest# ", 30)
            for module in args.modules.split(","):
                guest.send(f"modprobe {module}; echo modprobe-rc=$?\n")
                guest.expect("modprobe-rc=0", 60)
            guest.send(f"ip link set eth0 up && ip addr add 192.168.7.{i + 1}/24 dev eth0; echo addr-rc=$?\n")
            guest.expect("addr-rc=0", 30)
            guest.expect("guest# ", 30)
        for i, guest in enumerate(guests):
            peer = 2 - i
            guest.send(f"ping -c 3 -W 5 192.168.7.{peer}\n")
            guest.expect("3 packets received", 60)
            guest.expect("guest# ", 30)
            print(f"guest {i + 1} pinged guest {peer}: 3 of 3 answered")
        for guest in guests:
            guest.send("poweroff -f\n")
        for guest in guests:
            status = guest.wait_exit(60)
            if status != 0:
                raise GuestError(f"emu exited with {status} after poweroff -f\n{guest.tail()}")
    except GuestError as e:
        print(f"FAILED: {e}")
        return 1
    finally:
        for guest in guests:
            guest.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
