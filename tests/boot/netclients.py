"""What the network boot tests share: a `kiln run` in the background whose
output is read line by line, free host ports, echo clients that check
every byte, and a Redis client."""

import hashlib
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

# How long a state may take to come under a loaded TCG host; a test that
# passes never waits this long.
PATIENCE = 120


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Guest:
    """`kiln run` in the background, its output read line by line."""

    def __init__(self, folder, *args, own_group=False):
        # own_group: kiln and QEMU in a process group of their own, which
        # interrupt() stops as Ctrl-C at a terminal would.
        self.proc = subprocess.Popen([sys.executable, "-m", "kiln", "run", *args], cwd=folder,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     start_new_session=own_group)
        self.own_group = own_group
        # Published TCP host ports, whose listen queues kiln deepens.
        self.tcp_ports = [spec.split(":")[-2] for flag, spec in zip(args, args[1:])
                          if flag == "-p" and not spec.endswith("/udp")]
        self.lines: queue.Queue = queue.Queue()
        self.out: list[str] = []
        self.err: list[str] = []
        self.ended = 0  # streams at their end
        for stream, seen in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, seen), daemon=True).start()

    def _pump(self, stream, seen):
        for line in stream:
            seen.append(line.rstrip("\n"))
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, wanted: str, within_line: bool = False) -> None:
        """Waits for a line that is `wanted`, or that holds it with
        within_line (for lines with a timestamp, as Redis's log)."""
        def seen():
            lines = self.out + self.err
            return any(wanted in line for line in lines) if within_line else wanted in lines
        while not seen():
            if self.ended == 2:
                pytest.fail(f"the guest ended before {wanted!r}: {self.out} {self.err}")
            try:
                line = self.lines.get(timeout=PATIENCE)
            except queue.Empty:
                pytest.fail(f"no {wanted!r}: {self.out} {self.err}")
            self.ended += line is None
        self._wait_for_deep_queues()

    def _wait_for_deep_queues(self) -> None:
        """Once the guest serves, kiln has also deepened QEMU's listen
        queues (kiln.run.listenq), or a burst of clients would meet the
        host's one-deep queue: waits until `ss` shows it, the first time."""
        ports, self.tcp_ports = self.tcp_ports, []
        deadline = time.monotonic() + PATIENCE
        for port in ports if shutil.which("ss") else []:
            while True:
                out = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True,
                                     text=True).stdout.split()
                if len(out) >= 3 and out[2].isdigit() and int(out[2]) >= 4096:
                    break
                if time.monotonic() > deadline:
                    pytest.fail(f"QEMU's listen queue for port {port} was not deepened: "
                                f"{out} {self.err}")
                time.sleep(0.01)

    def wait(self) -> int:
        """The guest's exit status, once all it printed is read."""
        status = self.proc.wait(timeout=PATIENCE)
        while self.ended < 2:
            self.ended += self.lines.get(timeout=PATIENCE) is None
        return status

    def ask(self, line: str, prefix: str) -> str:
        """Writes line to the guest's stdin; the next line of its output
        that starts with prefix."""
        seen = len(self.out)
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        while True:
            fresh = [l for l in self.out[seen:] if l.startswith(prefix)]
            if fresh:
                return fresh[0]
            if self.ended == 2:
                pytest.fail(f"the guest ended before answering {line!r}: {self.out}")
            try:
                self.ended += self.lines.get(timeout=PATIENCE) is None
            except queue.Empty:
                pytest.fail(f"no answer to {line!r}: {self.out} {self.err}")

    def finish(self) -> int:
        """Ends the guest with a line on its stdin."""
        self.proc.stdin.write("\n")
        self.proc.stdin.close()
        return self.wait()

    def interrupt(self) -> int:
        """Ctrl-C: SIGINT to the group of kiln and QEMU (own_group=True),
        for a guest that reads no stdin; kiln's exit status."""
        os.killpg(self.proc.pid, signal.SIGINT)
        return self.wait()

    def kill(self):
        if self.proc.poll() is None:
            if self.own_group:  # QEMU too, not only kiln
                os.killpg(self.proc.pid, signal.SIGKILL)
            else:
                self.proc.kill()
            self.proc.wait()


def echo_tcp(port: int, payload: bytes) -> str:
    """Sends payload while reading the echo; the sha256 of what came back."""
    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as s:
        got = hashlib.sha256()
        received = 0

        def send():
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
        sender = threading.Thread(target=send)
        sender.start()
        while received < len(payload):
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            got.update(chunk)
            received += len(chunk)
        sender.join()
        return got.hexdigest()


def echo_udp(port: int, payload: bytes) -> bytes:
    """One datagram's echo; a lost one is sent again (UDP may drop)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        for _ in range(PATIENCE // 2):
            s.sendto(payload, ("127.0.0.1", port))
            try:
                return s.recv(65536)
            except socket.timeout:
                continue
    pytest.fail(f"no UDP echo of {len(payload)} bytes")


class RespError(Exception):
    """An error reply (`-ERR ...`)."""


class Resp:
    """A RESP2 client: commands as arrays of bulk strings, replies parsed."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
        self.file = self.sock.makefile("rb")

    @staticmethod
    def encode(*args) -> bytes:
        parts = [b"*%d\r\n" % len(args)]
        for arg in args:
            data = arg if isinstance(arg, bytes) else str(arg).encode()
            parts += [b"$%d\r\n" % len(data), data, b"\r\n"]
        return b"".join(parts)

    def reply(self):
        line = self.file.readline()
        if not line:
            raise ConnectionError("the server closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.file.read(n + 2)
            assert data[n:] == b"\r\n", "a bulk string must end with CRLF"
            return data[:n]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise AssertionError(f"not a RESP reply: {line!r}")

    def call(self, *args):
        self.sock.sendall(self.encode(*args))
        return self.reply()

    def close(self):
        self.file.close()
        self.sock.close()
