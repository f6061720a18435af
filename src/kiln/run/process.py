"""Running a guest (QEMU or a linuxu image) as a host process: its output
copied to ours as the bytes come, kernel messages annotated by the
symbolizer, a wall-clock timeout, and a reader that goes away (`kiln run
| head -1`) ending the guest as it ends any Unix program."""

import os
import subprocess
import threading

from ..errors import KilnError
from .symbolize import Symbolizer, name_syscall

TIMEOUT_STATUS = 124
BROKEN_PIPE_STATUS = 141  # 128 + SIGPIPE: what a shell shows for `yes | head -1`
CHUNK = 1 << 16


class Launch:
    """How to start one guest and where its channels arrive (a plain
    class: see kiln.runner). err_fd: the read end of a pipe carrying the
    guest's stderr, or None when the process's own stderr is the guest's;
    status_fd: the read end of a pipe carrying the guest's exit status
    record, or None when the process's exit status is the guest's.
    write_fds: the pipes' write ends, handed to the process. on_start:
    called with the process once it runs, on a thread of its own."""

    def __init__(self, argv: list[str], err_fd: int | None = None,
                 status_fd: int | None = None, write_fds: tuple[int, ...] = (),
                 on_start=None):
        self.argv, self.err_fd, self.status_fd = argv, err_fd, status_fd
        self.write_fds = tuple(write_fds)
        self.on_start = on_start


class Outcome:
    """How the guest process ended (a plain class: see kiln.runner)."""

    def __init__(self, status: int | None, vmm_errors: list[str], status_record: bytes,
                 broken_pipe: bool):
        self.status = status                 # None: killed at the timeout
        self.vmm_errors = vmm_errors         # the VMM's own stderr lines
        self.status_record = status_record   # what came on the status channel
        self.broken_pipe = broken_pipe       # our reader went away: we ended it


class KernelLines:
    """Passes a stream through as it comes, but whole lines that start with
    "kn: " go through `annotate` (crash reports get symbol names); only a
    line that may still become one is held back until it is complete."""

    MARK = b"kn: "

    def __init__(self, annotate):
        self.annotate, self.held, self.at_line_start = annotate, b"", True

    def feed(self, data: bytes) -> bytes:
        data, self.held = self.held + data, b""
        out, start = [], 0
        while start < len(data):
            # At a line's start: "kn: ", or the start of it with no more bytes.
            if self.at_line_start and self.MARK.startswith(data[start:start + 4]):
                end = data.find(b"\n", start)
                if end < 0:
                    self.held = data[start:]
                    break
                line = data[start:end + 1]
                if line.startswith(self.MARK):
                    line = self.annotate(line.decode(errors="replace")).encode()
                out.append(line)
                start = end + 1
                continue
            end = data.find(b"\n", start)
            stop = len(data) if end < 0 else end + 1
            out.append(data[start:stop])
            self.at_line_start = end >= 0
            start = stop
        return b"".join(out)

    def flush(self) -> bytes:
        held, self.held = self.held, b""
        return held


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: the guest is killed when kiln dies, even
    by SIGKILL, so no QEMU is left holding a published port."""
    import ctypes
    import signal
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class _Run:
    """One guest process and the threads that copy its channels."""

    def __init__(self, launch: Launch, symbolizer: Symbolizer | None):
        self.launch, self.symbolizer = launch, symbolizer
        self.broken: set[int] = set()  # our fds whose reader went away
        self.vmm_errors: list[str] = []
        try:
            self.proc = subprocess.Popen(launch.argv, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, pass_fds=launch.write_fds,
                                         preexec_fn=_die_with_parent)
        except FileNotFoundError:
            raise KilnError(f"{launch.argv[0]} is not installed; install it "
                            f"(README: set-up)") from None
        except PermissionError:
            raise KilnError(f"{launch.argv[0]} is not executable; run `kiln build` "
                            f"again") from None
        finally:
            for fd in launch.write_fds:  # the guest's now: EOF when it ends
                os.close(fd)
        if launch.on_start:
            threading.Thread(target=launch.on_start, args=(self.proc,), daemon=True).start()

    def _annotate(self, line: str) -> str:
        return self.symbolizer.annotate(line) if self.symbolizer else name_syscall(line)

    def copy(self, src: int, dst: int, kernel_lines: bool) -> None:
        """Copies src to dst until the guest closes it; when dst's reader
        is gone, ends the guest."""
        lines = KernelLines(self._annotate) if kernel_lines else None
        try:
            while data := os.read(src, CHUNK):
                if lines:
                    data = lines.feed(data)
                _write_all(dst, data)
            if lines:
                _write_all(dst, lines.flush())
        except BrokenPipeError:
            self.broken.add(dst)
            self.proc.kill()

    def collect(self, src: int) -> None:
        chunks = []
        while data := os.read(src, CHUNK):
            chunks.append(data)
        self.vmm_errors = b"".join(chunks).decode(errors="replace").splitlines()

    def readers(self) -> list[threading.Thread]:
        jobs = [(self.copy, (self.proc.stdout.fileno(), 1, False))]
        if self.launch.err_fd is None:  # the process's stderr is the guest's
            jobs.append((self.copy, (self.proc.stderr.fileno(), 2, True)))
        else:
            jobs.append((self.copy, (self.launch.err_fd, 2, True)))
            jobs.append((self.collect, (self.proc.stderr.fileno(),)))
        return [threading.Thread(target=f, args=a, daemon=True) for f, a in jobs]

    def status_record(self) -> bytes:
        fd = self.launch.status_fd
        if fd is None:
            return b""
        chunks = []
        while data := os.read(fd, CHUNK):  # every writer is gone: EOF
            chunks.append(data)
        return b"".join(chunks)


def run_streaming(launch: Launch, symbolizer: Symbolizer | None,
                  timeout: float | None) -> Outcome:
    """Runs the guest to its end, or to the timeout (status None), or until
    the reader of our output goes away (broken_pipe)."""
    run = _Run(launch, symbolizer)
    proc = run.proc
    readers = run.readers()
    for reader in readers:
        reader.start()
    try:
        status = proc.wait(timeout=timeout)
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
    record = run.status_record()
    for fd in (launch.err_fd, launch.status_fd):
        if fd is not None:
            os.close(fd)
    for fd in run.broken:
        # Nothing more may reach the reader that left: Python's final
        # flush must not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    return Outcome(status, run.vmm_errors, record, bool(run.broken))
