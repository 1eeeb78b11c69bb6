"""The human monitor: -monitor unix:PATH,server,nowait answers its commands (info, stop/cont,
set_link, system_powerdown, quit), and by default it shares the stdio console, reached with C-a c.

Usage: monitor_test.py EMU TESTKIT_PLUGIN_DIR
"""
import os
import socket
import subprocess
import sys
import tempfile
import time


class Failure(Exception):
    pass


def read_until(sock, text, timeout=10):
    data, deadline = b"", time.monotonic() + timeout
    sock.settimeout(0.5)
    while text.encode() not in data:
        if time.monotonic() > deadline:
            raise Failure(f"timed out waiting for {text!r}; got {data!r}")
        try:
            chunk = sock.recv(4096)
        except socket.timeout:
            continue
        if not chunk:
            raise Failure(f"monitor closed while waiting for {text!r}; got {data!r}")
        data += chunk
    return data.decode(errors="replace")


def command(sock, line, expect="(emu) "):
    sock.sendall(line.encode() + b"\r\n")
    out = read_until(sock, "(emu) ")
    if expect not in out:
        raise Failure(f"{line!r}: expected {expect!r} in {out!r}")
    return out


def unix_monitor(emu, plugins):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "mon.sock")
        proc = subprocess.Popen([emu, "--plugin-dir", plugins, "-M", "test-machine", "-serial", "none",
                                 "-netdev", "testnet,id=n0", "-device", "test-device,id=nic0,netdev=n0",
                                 "-monitor", f"unix:{path},server,nowait"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 10
            while not os.path.exists(path):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise Failure(f"no monitor socket; stderr: {proc.stderr.read() if proc.poll() is not None else ''}")
                time.sleep(0.05)
            sock = socket.socket(socket.AF_UNIX)
            sock.connect(path)
            greeting = read_until(sock, "(emu) ")
            if "monitor - type 'help'" not in greeting:
                raise Failure(f"no greeting: {greeting!r}")
            command(sock, "help", "system_powerdown")
            command(sock, "info status", "VM status: running")
            command(sock, "stop")
            command(sock, "info status", "VM status: paused")
            command(sock, "c")
            command(sock, "info status", "VM status: running")
            command(sock, "info network", "n0: netdev-testnet <-> test-device 'nic0'")
            command(sock, "set_link n0 off")
            command(sock, "info network", "(link down)")
            out = command(sock, "set_link nic0 on")
            if "(link down)" in command(sock, "info network"):
                raise Failure("set_link nic0 on left the link down")
            command(sock, "set_link nosuch off", "no netdev or NIC with id 'nosuch'")
            command(sock, "bogus", "unknown command: 'bogus'")
            command(sock, "system_powerdown", "this machine has no power button")
            sock.sendall(b"quit\r\n")
            status = proc.wait(10)
            if status != 0:
                raise Failure(f"quit: emu exited with {status}")
            print("unix monitor: help, info status/network, stop/cont, set_link, errors, quit: ok")
            del out
        finally:
            if proc.poll() is None:
                proc.kill()


def console_mux(emu, plugins):
    proc = subprocess.Popen([emu, "--plugin-dir", plugins, "-M", "test-machine", "-nographic"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(0.3)
        proc.stdin.write(b"\x01cinfo status\r")
        proc.stdin.flush()
        time.sleep(0.3)
        proc.stdin.write(b"\x01c\x01x")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=10)
        if proc.returncode != 0:
            raise Failure(f"C-a x: emu exited with {proc.returncode}: {err!r}")
        if b"monitor - type 'help'" not in out or b"VM status: running" not in out:
            raise Failure(f"C-a c did not reach the monitor: {out!r} {err!r}")
        print("console mux: C-a c reaches the monitor, C-a x quits: ok")
    finally:
        if proc.poll() is None:
            proc.kill()


def main():
    emu, plugins = sys.argv[1], sys.argv[2]
    try:
        unix_monitor(emu, plugins)
        console_mux(emu, plugins)
    except Failure as e:
        print(f"FAILED: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
