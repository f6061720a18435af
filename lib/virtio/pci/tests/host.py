"""Host checks of the virtio-pci transport's configuration-space walk
(../walk.c), collected by tests/host/test_host.py: walk_test.c
([host-test.walk]) runs it over a simulated PCI bus, and walk.c must
build with the freestanding kernel flags needing nothing from a libc."""

import subprocess

from hostc import host_for, undefined_symbols

HOST = host_for(__file__)


def test_walk_over_a_simulated_bus():
    run = subprocess.run([str(HOST.program("walk"))], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "failures=0" in run.stdout, run.stdout


def test_walk_builds_freestanding():
    obj = HOST.kernel_object(HOST.library.dir / "walk.c", "kvm")
    assert undefined_symbols(obj) <= {"memcpy", "memset"}
