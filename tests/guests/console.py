"""Drive an emu process over its serial console (stdio pipes), expect-style.

Used by the real-guest tests: start emu, wait for text the guest prints, type commands,
and check how emu ends. Everything has a timeout; on failure the transcript tail is shown.
"""
import os
import select
import signal
import subprocess
import sys
import time


class GuestError(Exception):
    pass


class Console:
    def __init__(self, argv, log_path=None, env=None):
        self.argv = argv
        self.buffer = b""
        self.consumed = 0
        self.log = open(log_path, "wb") if log_path else None
        self.start = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)
        os.set_blocking(self.proc.stdout.fileno(), False)

    def elapsed(self):
        return time.monotonic() - self.start

    def _pump(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return True
        chunk = self.proc.stdout.read(65536)
        if not chunk:
            return False  # EOF: emu exited
        self.buffer += chunk
        if self.log:
            self.log.write(chunk)
            self.log.flush()
        return True

    def expect(self, text, timeout):
        """Wait until `text` appears after what earlier expects consumed; return the time."""
        needle = text.encode() if isinstance(text, str) else text
        deadline = time.monotonic() + timeout
        while True:
            at = self.buffer.find(needle, self.consumed)
            if at >= 0:
                self.consumed = at + len(needle)
                return self.elapsed()
            left = deadline - time.monotonic()
            if left <= 0:
                raise GuestError(f"timed out after {timeout}s waiting for {text!r}\n{self.tail()}")
            if not self._pump(min(left, 0.5)) and self.proc.poll() is not None:
                raise GuestError(f"emu exited with {self.proc.returncode} while waiting for {text!r}\n{self.tail()}")

    def send(self, text):
        data = text.encode() if isinstance(text, str) else text
        # Type slowly, as a person would: firmware UART drivers poll one character at a time.
        for i in range(0, len(data), 16):
            self.proc.stdin.write(data[i:i + 16])
            self.proc.stdin.flush()
            time.sleep(0.01)

    def wait_exit(self, timeout):
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise GuestError(f"emu did not exit within {timeout}s\n{self.tail()}")
            self._pump(min(left, 0.2))
        drain_until = time.monotonic() + 1.0  # collect what emu printed last
        while time.monotonic() < drain_until and self._pump(0.1):
            pass
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def tail(self, n=3000):
        text = self.buffer[-n:].decode(errors="replace")
        return "---- last console output ----\n" + text + "\n-----------------------------"


def skip(reason):
    """Tell ctest this test was skipped (SKIP_RETURN_CODE 77), saying why."""
    print(f"SKIPPED: {reason}")
    sys.exit(77)
