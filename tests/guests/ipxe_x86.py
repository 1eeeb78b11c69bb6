"""Network boot on emu's x86 boards: SeaBIOS boots the NIC's iPXE option ROM (-boot n), iPXE
gets a DHCP lease from -netdev user (slirp), whose DHCP offer names an HTTP boot file on the
host (bootfile=http://10.0.2.2:PORT/boot.ipxe), fetches it over HTTP and runs it: the script
echoes a token made for this run, fetches a second file, checks its size with iPXE's `imgstat`
and says goodbye. The token on the console proves the lease (iPXE printed "ok" after DHCP with
the address), the HTTP fetch and the script's execution.

Usage: ipxe_x86.py --emu EMU --machine pc|q35 --device NIC [--accel kvm|tcg] [--timeout S]
"""
import argparse
import http.server
import os
import re
import secrets
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from console import Console, GuestError, skip  # noqa: E402

SEABIOS = "/usr/share/seabios/bios-256k.bin"
PAYLOAD_SIZE = 123457  # an odd size, so the printed length is recognisably the file's


def serve(token):
    script = (f"#!ipxe\necho emu-ipxe-script {token}\n"
              "imgfetch http://10.0.2.2:${port}/payload.bin\nimgstat\necho emu-ipxe-done\n")
    files = {"/boot.ipxe": None, "/payload.bin": bytes(i * 7 & 0xff for i in range(PAYLOAD_SIZE))}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"
        requests = []

        def log_message(self, *args):
            pass

        def do_GET(self):
            Handler.requests.append(self.path)
            body = files.get(self.path)
            if self.path == "/boot.ipxe":
                body = script.replace("${port}", str(self.server.server_address[1])).encode()
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emu", required=True)
    parser.add_argument("--machine", choices=["pc", "q35"], default="pc")
    parser.add_argument("--accel", choices=["kvm", "tcg"], default="tcg")
    parser.add_argument("--device", required=True, help="the NIC, e.g. e1000 or rtl8139")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    if not os.path.exists(SEABIOS):
        skip(f"{SEABIOS} not found (Debian's seabios package; tests/setup/install-deps.sh installs it)")
    if args.accel == "kvm" and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        skip("/dev/kvm cannot be opened")
    token = secrets.token_hex(8)
    server, handler = serve(token)
    port = server.server_address[1]
    argv = [args.emu, "-M", args.machine, "-accel", args.accel, "-m", "256", "-nographic", "-boot", "n",
            "-netdev", f"user,id=n0,ipv6=on,bootfile=http://10.0.2.2:{port}/boot.ipxe",
            "-device", f"{args.device},netdev=n0"]
    print(" ".join(argv))
    console = Console(argv)
    try:
        console.expect("iPXE initialising devices", args.timeout)
        console.expect("emu-ipxe-script " + token, max(1.0, args.timeout - console.elapsed()))
        at_script = console.elapsed()
        console.expect("emu-ipxe-done", max(1.0, args.timeout - console.elapsed()))
        text = console.buffer.decode(errors="replace")
    except GuestError as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        console.kill()
        server.shutdown()
    dhcp = re.search(r"(?:DHCP|Configuring) \(net0 ([0-9a-f:]+)\)[. ]*ok", text)
    address = re.search(r"net0: (10\.0\.2\.\d+)/", text)
    size = re.search(rf"payload\.bin.*?\b{PAYLOAD_SIZE}\b", text.replace("\r", ""), re.S)
    failures = []
    if not dhcp:
        failures.append("no 'Configuring (net0 ...) ok' line (the DHCP lease)")
    if not address:
        failures.append("no 10.0.2.x address for net0")
    if not size:
        failures.append(f"imgstat did not show payload.bin with {PAYLOAD_SIZE} bytes")
    if handler.requests[:2] != ["/boot.ipxe", "/payload.bin"]:
        failures.append(f"the host's server saw {handler.requests}, expected /boot.ipxe then /payload.bin")
    print(f"DHCP: {dhcp.group(0) if dhcp else '-'}; address {address.group(1) if address else '-'}; "
          f"script ran after {at_script:.1f}s; server saw {handler.requests}")
    if failures:
        for f in failures:
            print(f"FAIL: {f}")
        print("---- console (tail) ----\n" + text[-2000:])
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
