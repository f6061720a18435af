"""Running a guest (QEMU or a linuxu image) with its output streamed
through the symbolizer and a wall-clock timeout."""

import subprocess
import sys
import threading

from ..errors import KilnError
from .symbolize import Symbolizer, name_syscall

TIMEOUT_STATUS = 124


class Outcome:
    """How the guest process ended (a plain class: see kiln.runner)."""

    def __init__(self, status: int | None, stderr_lines: list[str] | None = None):
        self.status = status                     # None: killed at the timeout
        self.stderr_lines = stderr_lines or []


def run_streaming(cmd: list[str], symbolizer: Symbolizer | None,
                  timeout: float | None) -> Outcome:
    """Runs cmd, copying its stdout line by line (annotated) and its stderr
    to ours; stderr is also kept, so a VMM's own error can be told apart
    from the guest's exit code."""
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise KilnError(f"{cmd[0]} is not installed; install it (README: set-up)") from None
    except PermissionError:
        raise KilnError(f"{cmd[0]} is not executable; run `kiln build` again") from None
    errors: list[str] = []

    def pump_stdout():
        out = sys.stdout.buffer
        for raw in proc.stdout:
            if raw.startswith(b"kn: "):
                line = raw.decode(errors="replace")
                raw = (symbolizer.annotate(line) if symbolizer else name_syscall(line)).encode()
            out.write(raw)
            out.flush()

    def pump_stderr():
        err = sys.stderr.buffer
        for raw in proc.stderr:
            errors.append(raw.decode(errors="replace").rstrip())
            err.write(raw)
            err.flush()

    readers = [threading.Thread(target=pump_stdout, daemon=True),
               threading.Thread(target=pump_stderr, daemon=True)]
    for reader in readers:
        reader.start()
    try:
        status = proc.wait(timeout=timeout or None)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        status = None
    except KeyboardInterrupt:
        proc.kill()
        proc.wait()
        raise
    for reader in readers:
        reader.join(timeout=5)
    return Outcome(status, errors)
