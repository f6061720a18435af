"""Host checks of posix-thread's futex queues on the real cooperative
scheduler with a fake clock ([host-test.futex] in ../library.toml),
collected by tests/host/test_host.py."""

import subprocess

import pytest

from hostc import host_for

HOST = host_for(__file__)


@pytest.mark.parametrize("seed", [1, 2, 3, 99, 12345])
def test_random_waits_wakes_moves_and_timeouts(seed):
    proc = subprocess.run([HOST.program("futex"), "stress", str(seed)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS stress" in proc.stdout


@pytest.mark.parametrize("scenario", ["fifo", "syscall"])
def test_scenario(scenario):
    proc = subprocess.run([HOST.program("futex"), scenario], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS {scenario}" in proc.stdout
