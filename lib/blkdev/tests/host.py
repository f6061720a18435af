"""Host checks of the byte access every blkdev driver shares (../bytes.c),
collected by tests/host/test_host.py: bytes_test.c ([host-test.bytes])
runs it over a disk in memory against a plain byte array, and bytes.c
must build with the freestanding kernel flags."""

import subprocess
from pathlib import Path

import pytest

from hostc import host_for, undefined_symbols

HOST = host_for(__file__)


def test_byte_access_matches_a_byte_array():
    run = subprocess.run([str(HOST.program("bytes"))], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "failures=0" in run.stdout, run.stdout[-6000:]


@pytest.mark.parametrize("platform", ["linuxu", "kvm"])
def test_bytes_builds_freestanding(platform):
    obj = HOST.kernel_object(Path(__file__).parent.parent / "bytes.c", platform)
    assert undefined_symbols(obj) <= {"memcpy", "memset", "kn_malloc", "kn_free",
                                      "kn_blkdev_io"}
