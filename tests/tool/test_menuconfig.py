"""menuconfig driven through a pseudo-terminal, as a person would: search
an option, switch it on, quit and save; the choice is remembered."""

import os
import pty
import select
import sys
import time

from conftest import ROOT, write


def drive(app_dir, keystrokes, pause=0.8):
    pid, fd = pty.fork()
    if pid == 0:  # the child: kiln menuconfig on a terminal
        os.chdir(app_dir)
        os.environ["TERM"] = "xterm"
        os.environ["PYTHONPATH"] = str(ROOT / "src")
        os.execvp(sys.executable, [sys.executable, "-m", "kiln", "menuconfig", "--plat", "linuxu"])
    output = b""

    def pump(seconds):
        nonlocal output
        end = time.time() + seconds
        while time.time() < end:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    output += os.read(fd, 65536)
                except OSError:
                    return
    for keys in keystrokes:
        pump(pause)
        os.write(fd, keys)
    deadline = time.time() + 20
    while time.time() < deadline:
        pump(0.2)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), output.decode(errors="replace")
    os.kill(pid, 9)
    raise AssertionError("menuconfig did not exit: " + output.decode(errors="replace")[-500:])


def test_menuconfig_saves_a_change(tmp_path):
    app = tmp_path / "mc"
    write(app / "kiln.toml", '[app]\nname = "mc"\nrequires = ["console"]\n')
    write(app / "main.c", "int main(void) { return 0; }\n")
    write(app / "Kconfig", 'config APP_BASE\n\tbool "Base feature"\n\tdefault n\n')
    status, output = drive(app, [b"/", b"APP_BASE", b"\r", b"y", b"Q", b"y"])
    assert status == 0, output[-500:]
    assert "saved 1 option(s)" in output
    assert "APP_BASE = true" in (app / ".kiln/linuxu.toml").read_text()
