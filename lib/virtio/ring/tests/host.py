"""Host checks of the split virtqueue (../virtqueue.c), collected by
tests/host/test_host.py: virtqueue_test.c ([host-test.virtqueue]) drives
the rings with a simulated device, and virtqueue.c must build with the
freestanding kernel flags needing nothing from a libc."""

import subprocess

import pytest

from hostc import host_for, undefined_symbols

HOST = host_for(__file__)


def test_virtqueue_against_a_simulated_device():
    run = subprocess.run([str(HOST.program("virtqueue"))], capture_output=True, text=True,
                         timeout=120)
    print(run.stdout[-6000:], run.stderr[-3000:])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "failures=0" in run.stdout


@pytest.mark.parametrize("platform", ["linuxu", "kvm"])
def test_virtqueue_builds_freestanding(platform):
    obj = HOST.kernel_object(HOST.library.dir / "virtqueue.c", platform)
    assert undefined_symbols(obj) <= {"memcpy", "memset"}
