"""Host C tests of posix-thread's futex queues on the real cooperative
scheduler with a fake clock (lib/posix/thread/tests)."""

import subprocess

import pytest

from conftest import ROOT
from hostc import build_host_test

# Small stacks: the tests make many threads.
STACKS = {"SCHED_COOP_STACK_SIZE": 65536, "SCHED_COOP_MAIN_STACK_SIZE": 262144}

THREAD = ROOT / "lib/posix/thread"
SOURCES = [THREAD / "tests/futex_test.c", THREAD / "futex.c", THREAD / "futex_sys.c",
           ROOT / "lib/sched/tests/host_shim.c",
           *sorted((ROOT / "lib/sched/coop").glob("[!k]*.c")),  # all but ktest.c
           ROOT / "plat/x86_64/switch.S", ROOT / "plat/x86_64/arch.c"]
INCLUDES = ["lib/posix/thread/include", "lib/sched/include", "lib/alloc/include",
            "lib/boot/include", "lib/console/include", "lib/plat/include",
            "lib/time/include", "lib/syscall/include", "plat/x86_64/include",
            "lib/sched/tests"]


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    out = tmp_path_factory.mktemp("futex")
    return build_host_test(out, "futex_test", SOURCES, INCLUDES, STACKS)


@pytest.mark.parametrize("seed", [1, 2, 3, 99, 12345])
def test_random_waits_wakes_moves_and_timeouts(binary, seed):
    proc = subprocess.run([binary, "stress", str(seed)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS stress" in proc.stdout


@pytest.mark.parametrize("scenario", ["fifo", "syscall"])
def test_scenario(binary, scenario):
    proc = subprocess.run([binary, scenario], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS {scenario}" in proc.stdout
