"""The in-kernel unit tests (allocator and scheduler suites) inside a
booted image, for every allocator, on kvm and linuxu."""

import re

import pytest

from .conftest import ALLOCATORS, boot

pytestmark = pytest.mark.boot


@pytest.mark.parametrize("alloc", ALLOCATORS)
@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("linuxu", None)])
def test_ktests_pass_in_image(images, platform, machine, alloc):
    folder = images.get("ktest", platform, alloc)
    proc = boot(folder, platform, machine)
    out = proc.stderr
    failures = re.findall(r"^ktest: FAIL .*$", out, re.M)
    assert not failures, "\n".join(failures)
    summary = re.search(r"^ktest: (\d+) passed, (\d+) failed$", out, re.M)
    assert summary and summary.group(2) == "0", out
    assert int(summary.group(1)) >= 11
    for name in ("sched.sleepers_wake_in_deadline_order", "alloc.out_of_memory_returns_null",
                 "time.wall_clock_is_current_and_settable"):
        assert f"ktest: PASS {name}" in out
    assert proc.returncode == 0
