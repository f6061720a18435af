"""What the network benchmarks share: a guest started from its QEMU command
with a port published through QEMU's user network, its listen queue
deepened as `kiln run` deepens it (kiln.run.listenq), and waited for until
it says it serves."""

import selectors
import socket
import subprocess
import threading
import time
from pathlib import Path

import places

places.use_checkout_kiln()
from kiln.run import listenq  # noqa: E402  (this checkout's kiln)

BOOT_TIMEOUT = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_port(argv: list[str], old: int, new: int) -> list[str]:
    """The QEMU command with its hostfwd from host port OLD moved to NEW."""
    return [a.replace(f"127.0.0.1:{old}-", f"127.0.0.1:{new}-") for a in argv]


def _wait_ready(name: str, proc: subprocess.Popen, ready: bytes) -> None:
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    seen = b""
    deadline = time.monotonic() + BOOT_TIMEOUT
    while ready not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or not sel.select(left):
            proc.kill()
            raise RuntimeError(f"{name}: not serving after {BOOT_TIMEOUT} s: {seen[-500:]!r}")
        chunk = proc.stdout.read1(65536)
        if not chunk:
            raise RuntimeError(f"{name}: ended before serving: {seen[-500:]!r} "
                               f"{proc.stderr.read()[-500:]!r}")
        seen += chunk
    sel.close()
    # From here on nobody reads the guest's output (a server's log): it
    # must not fill a pipe and stop the guest.
    for stream in (proc.stdout, proc.stderr):
        threading.Thread(target=_drain, args=(stream,), daemon=True).start()


def _drain(stream) -> None:
    while stream.read1(65536):
        pass


def start(name: str, argv: list[str], port: int, ready: bytes,
          cwd: Path | None = None) -> tuple[subprocess.Popen, float]:
    """The guest once READY is on its stdout, and the seconds from QEMU's
    start to that line."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=cwd)
    listenq.deepen(proc, {port})
    _wait_ready(name, proc, ready)
    return proc, time.perf_counter() - t0


def stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()
