"""Progress of long work (a fetch's download and build commands: musl's
make, an autoport's configure) on stderr, so that a minute of compiling is
not a minute of silence: one line per step, and while a command runs, a
line now and then saying it is alive and how far it got. On a terminal
that line rewrites itself every second; in a log it is a plain line every
KILN_PROGRESS_INTERVAL seconds (default 15)."""

import os
import select
import subprocess
import sys
import time

INTERVAL_ENV = "KILN_PROGRESS_INTERVAL"
LOG_INTERVAL = 15.0
TERMINAL_INTERVAL = 1.0


def _live() -> bool:
    return sys.stderr.isatty()


def step(message: str) -> None:
    """One step of long work: its own line."""
    sys.stderr.write(("\r\033[K" if _live() else "") + f"kiln: {message}\n")
    sys.stderr.flush()


def _interval() -> float:
    try:
        return float(os.environ[INTERVAL_ENV])
    except (KeyError, ValueError):
        return TERMINAL_INTERVAL if _live() else LOG_INTERVAL


def _how_far(output: bytes, seconds: float) -> str:
    # Build systems print one command line per compiled file (make) or a
    # line per check (configure): either says how far it got.
    compiled, lines = output.count(b" -c "), output.count(b"\n")
    done = (f"{compiled} file{'s' * (compiled != 1)} compiled" if compiled
            else f"{lines} line{'s' * (lines != 1)} of output")
    return f"{seconds:.0f} s, {done}"


def run(argv: list[str], label: str, cwd=None, env=None,
        interval: float | None = None) -> tuple[int, str]:
    """Runs argv with its output captured (shown only if it fails, by the
    caller); while it runs, reports "kiln: LABEL: still running (...)".
    Returns its status and output."""
    interval = _interval() if interval is None else interval
    live = _live()
    start = time.monotonic()
    next_report = start + interval
    chunks = []
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    fd = proc.stdout.fileno()
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], max(0.0, next_report - time.monotonic()))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
            now = time.monotonic()
            if now >= next_report:
                status = f"kiln: {label}: still running ({_how_far(b''.join(chunks), now - start)})"
                sys.stderr.write(f"\r\033[K{status}" if live else f"{status}\n")
                sys.stderr.flush()
                next_report = now + interval
    finally:
        proc.stdout.close()
        status = proc.wait()
        if live:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
    return status, b"".join(chunks).decode(errors="replace")
