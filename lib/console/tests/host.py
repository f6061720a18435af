"""Host checks of the console's formatting engine (../format.c), collected
by tests/host/test_host.py: format_test.c ([host-test.format]) compares it
with glibc on a large table of cases, and format.c must build with the
freestanding kernel flags needing nothing but what gcc itself emits."""

import os
import subprocess

import pytest

from hostc import host_for, undefined_symbols

HOST = host_for(__file__)


def test_format_matches_glibc():
    env = dict(os.environ, ASAN_OPTIONS="check_printf=0")
    run = subprocess.run([str(HOST.program("format"))], capture_output=True, text=True,
                         timeout=60, env=env)
    print(run.stdout[-6000:], run.stderr[-6000:])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "failures=0" in run.stdout


@pytest.mark.parametrize("platform", ["linuxu", "kvm"])  # kvm adds -mno-red-zone
def test_format_builds_freestanding(platform):
    obj = HOST.kernel_object(HOST.library.dir / "format.c", platform)
    # Only what gcc itself may emit calls to.
    assert undefined_symbols(obj) <= {"memcpy", "memset"}
