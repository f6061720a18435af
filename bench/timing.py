"""Timing processes and summarising the samples: a process timed up to a
line on its stdout, medians, spreads and ratios that tolerate a missing
figure (None)."""

import os
import re
import selectors
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

HELLO = b"Hello, world!"  # what helloworld prints: the default marker


@dataclass
class Timing:
    marker_s: float | None      # process start -> marker seen on stdout (None: never)
    total_s: float              # process start -> process exit (or kill)
    status: int | None          # exit status; None when killed at the timeout
    stdout: bytes = b""
    stderr: bytes = b""

    @property
    def timed_out(self) -> bool:
        return self.status is None


def timed_run(argv: list[str], marker: bytes | None = HELLO, timeout: float = 60.0,
              env: dict | None = None, cwd: Path | None = None,
              stop_at_marker: bool = False) -> Timing:
    """Starts argv and reads its stdout pipe as it comes, noting when MARKER
    first appears; returns when the process exits (or is killed at TIMEOUT
    seconds, or, with stop_at_marker, once MARKER came: a server that says
    it is ready; its status is then None too). Times are from just before
    the fork."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=cwd)
    sel = selectors.DefaultSelector()
    bufs = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    for f in (proc.stdout, proc.stderr):
        os.set_blocking(f.fileno(), False)
        sel.register(f, selectors.EVENT_READ)
    marker_s = None
    killed = False
    deadline = t0 + timeout
    while sel.get_map():
        left = deadline - time.perf_counter()
        if left <= 0:
            proc.kill()
            killed = True
            break
        for key, _ in sel.select(left):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                sel.unregister(key.fileobj)
                continue
            now = time.perf_counter()
            buf = bufs[key.fd]
            buf += chunk
            # A server may say it is ready on either stream (nginx: stderr).
            if marker and marker_s is None and (key.fd == out_fd or stop_at_marker) \
                    and marker in buf:
                marker_s = now - t0
                if stop_at_marker:
                    proc.kill()
                    killed = True
    status = proc.wait()
    total = time.perf_counter() - t0
    sel.close()
    proc.stdout.close()
    proc.stderr.close()
    return Timing(marker_s, total, None if killed else status,
                  bytes(bufs[out_fd]), bytes(bufs[err_fd]))


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def spread(xs):
    """(min, max) of the values that are not None."""
    xs = [x for x in xs if x is not None]
    return (min(xs), max(xs)) if xs else (None, None)


def ratio(a, b):
    return a / b if a is not None and b else None


def io_figures(name: str, program: str, argv: list[str], tests: tuple, timeout: float) -> dict:
    """Runs ARGV, a guest whose PROGRAM prints "PROGRAM: TEST bytes=B ops=N
    seconds=S" per test and "PROGRAM: done" (bench/native/blkbench.c,
    ninepbench.c): {test: {"bytes", "ops", "seconds"}}; an error naming
    NAME, with the guest's output, when any is missing."""
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    line = re.compile(rf"^{program}: (\S+) bytes=(\d+) ops=(\d+) seconds=([0-9.]+)$", re.M)
    found = {m[0]: {"bytes": int(m[1]), "ops": int(m[2]), "seconds": float(m[3])}
             for m in line.findall(proc.stdout)}
    if f"{program}: done" not in proc.stdout or set(found) != set(tests):
        raise RuntimeError(f"{name}: no figures (status {proc.returncode}):\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return found


def rounds(guests: dict, runs: int, once) -> dict[str, list]:
    """RUNS rounds of ONCE(name, argv) for each of GUESTS ({name: argv}),
    interleaved: {name: [each round's sample]}."""
    samples: dict[str, list] = {name: [] for name in guests}
    for i in range(runs):
        for name, argv in guests.items():
            samples[name].append(once(name, argv))
        print(f"  round {i + 1}/{runs} done", flush=True)
    print()
    return samples
