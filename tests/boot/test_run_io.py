"""What `kiln run` hands on from a booted guest must be the guest's,
exactly and on every target: its stdout bytes (no CR added), its stderr on
kiln's stderr, its whole 0..255 exit status; QEMU's failures and VMs too
small for the image are one-line errors, never a guest success."""

import subprocess
import sys

import pytest

from conftest import run_kiln

from .conftest import TARGETS

pytestmark = pytest.mark.boot
TARGET_IDS = [f"{p}-{m}" if m else p for p, m in TARGETS]


def kiln_run(platform, machine, *args):
    machine_args = ["--machine", machine] if machine else []
    return [sys.executable, "-m", "kiln", "run", "--plat", platform, *machine_args,
            "--timeout", "60", *args]


def run_bytes(folder, platform, machine, *args):
    """`kiln run` with its output as bytes: text mode would hide a CR."""
    return subprocess.run(kiln_run(platform, machine, *args), cwd=folder,
                          capture_output=True, timeout=120)


@pytest.mark.parametrize("platform,machine", TARGETS, ids=TARGET_IDS)
def test_stdout_and_stderr_are_the_guests_bytes(images, platform, machine):
    proc = run_bytes(images.get("runio", platform), platform, machine)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == b"first line\nsecond line, no CR before the LF\n"
    guest_err = [l for l in proc.stderr.splitlines() if not l.startswith(b"kiln: ")]
    assert guest_err == [b"runio: a line on stderr"], proc.stderr


@pytest.mark.parametrize("platform,machine", TARGETS, ids=TARGET_IDS)
@pytest.mark.parametrize("status", [1, 127, 128, 200, 255])
def test_every_exit_status_reaches_the_host(images, platform, machine, status):
    proc = run_bytes(images.get("runio", platform), platform, machine, "--", str(status))
    assert proc.returncode == status, proc.stdout + proc.stderr
    assert b"kiln: " not in proc.stderr.replace(b"kiln: accelerator", b""), proc.stderr


@pytest.mark.parametrize("platform,machine", TARGETS, ids=TARGET_IDS)
def test_stderr_can_be_thrown_away(images, platform, machine):
    """`kiln run 2>/dev/null` leaves the program's output whole."""
    folder = images.get("runio", platform)
    proc = subprocess.run(kiln_run(platform, machine), cwd=folder, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, timeout=120)
    assert proc.returncode == 0
    assert proc.stdout == b"first line\nsecond line, no CR before the LF\n"


def test_too_little_memory_is_refused_before_qemu_starts(images):
    folder = images.get("runio", "kvm")
    for memory in ("1K", "512K", "1M", "1100K"):
        proc = run_kiln("run", "-m", memory, "--timeout", "60", cwd=folder, timeout=120)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "needs RAM up to 0x" in lines[0], proc.stderr
        assert "give it at least" in lines[0] and "accelerator" not in proc.stderr
    proc = run_kiln("run", "-m", "2M", "--timeout", "60", cwd=folder, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_qemu_failure_is_a_one_line_error(images, tmp_path):
    """QEMU refusing an initrd larger than the VM's RAM is no guest exit 0."""
    folder = images.get("runio", "kvm")
    big = tmp_path / "big.img"
    with open(big, "wb") as f:
        f.truncate(100_000_000)
    proc = run_kiln("run", "--initrd", big, "--timeout", "60", cwd=folder, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    errors = [l for l in proc.stderr.splitlines() if l.startswith(("kiln: error", "qemu"))]
    assert len(errors) == 1 and errors[0].startswith("kiln: error: QEMU failed: initrd is too"), \
        proc.stderr
    assert proc.stdout == ""
