"""Console input in booted images: bytes written to `kiln run`'s stdin
reach the guest's fd 0 (linuxu: the process's stdin; kvm: QEMU's serial on
stdio). tests/apps/consoleinput checks a poll timeout while nothing is
sent, then wakes on a line, echoes it uppercased, blocks in read(0) through
~300 ms of silence without spinning (input wakes it: the UART's IRQ on kvm,
the idle wait's ppoll of stdin on linuxu) and reads to the end."""

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT, run_kiln

pytestmark = pytest.mark.boot

APP = ROOT / "tests/apps/consoleinput"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("consoleinput") / "consoleinput"
    shutil.copytree(APP, folder, ignore=shutil.ignore_patterns("build", ".kiln"))
    return folder


def _lines(stream, out: queue.Queue):
    for raw in stream:
        out.put(raw.decode(errors="replace").rstrip("\r\n"))
    out.put(None)


def _expect(lines: queue.Queue, wanted: str, seen: list[str], timeout=120):
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no {wanted!r} within {timeout}s; output so far: {seen}")
        if line is None:
            pytest.fail(f"output ended before {wanted!r}: {seen}")
        seen.append(line)
        if line == wanted:
            return


def _expect_match(lines: queue.Queue, pattern: str, seen: list[str], timeout=120):
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no line like {pattern!r} within {timeout}s; output so far: {seen}")
        if line is None:
            pytest.fail(f"output ended before {pattern!r}: {seen}")
        seen.append(line)
        if re.fullmatch(pattern, line):
            return


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("kvm", "pc"),
                                              ("linuxu", None)])
def test_stdin_reaches_the_guest_console(app, platform, machine):
    proc = run_kiln("build", "--plat", platform, cwd=app)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cmd = [sys.executable, "-m", "kiln", "run", "--plat", platform, "--timeout", "300"]
    if machine:
        cmd += ["--machine", machine]
    guest = subprocess.Popen(cmd, cwd=app, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=dict(os.environ))
    lines: queue.Queue = queue.Queue()
    # The app reports with kn_printk: kernel messages, on the guest's stderr.
    threading.Thread(target=_lines, args=(guest.stderr, lines), daemon=True).start()
    seen: list[str] = []
    try:
        # Nothing is written before "ready": the guest's 50 ms poll must time out,
        # and "ready" comes from its ticker once main is blocked in poll.
        _expect(lines, "ready", seen)
        guest.stdin.write(b"hello\n")
        guest.stdin.flush()
        _expect(lines, "got HELLO", seen)
        _expect(lines, "ticks while blocked: yes", seen)
        _expect(lines, "blocking", seen)
        time.sleep(0.3)
        guest.stdin.write(b"later\n")
        guest.stdin.flush()
        _expect_match(lines, r"idle (\d+) in (\d+) ms", seen)
        idles, ms = map(int, re.fullmatch(r"idle (\d+) in (\d+) ms", seen[-1]).groups())
        # Structural, not a timing check: a reader that re-checked every
        # millisecond would idle about once per millisecond of silence.
        assert ms >= 200, seen
        assert idles <= 10, seen
        _expect(lines, "got later", seen)
        # linuxu sees the end of stdin; a serial line has none, so 0x04 ends it.
        guest.stdin.write(b"abc" if platform == "linuxu" else b"abc\x04")
        guest.stdin.close()
        _expect(lines, "end 3", seen)
        status = guest.wait(timeout=120)
    finally:
        if guest.poll() is None:
            guest.kill()
            guest.wait()
    assert status == 0, (seen, guest.stdout.read().decode(errors="replace"))
