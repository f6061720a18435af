"""Running a guest (QEMU or a linuxu image) with its output streamed
through the symbolizer and a wall-clock timeout."""

import subprocess
import sys
import threading

from ..errors import KilnError
from .symbolize import Symbolizer

TIMEOUT_STATUS = 124


def run_streaming(cmd: list[str], symbolizer: Symbolizer | None,
                  timeout: float | None) -> int | None:
    """Runs cmd, copying its stdout line by line (annotated) to ours.
    Returns the exit status, or None when it was killed at the timeout."""
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    except FileNotFoundError:
        raise KilnError(f"{cmd[0]} is not installed; install it (README: set-up)") from None
    except PermissionError:
        raise KilnError(f"{cmd[0]} is not executable; run `kiln build` again") from None
    out = sys.stdout.buffer

    def pump():
        for raw in proc.stdout:
            if symbolizer and raw.startswith(b"kn: "):
                text = symbolizer.annotate(raw.decode(errors="replace"))
                raw = text.encode()
            out.write(raw)
            out.flush()

    reader = threading.Thread(target=pump, daemon=True)
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
    reader.join(timeout=5)
    return status
