"""Host C unit tests of the cooperative scheduler (lib/sched/tests)."""

import subprocess

import pytest

from conftest import ROOT
from hostc import build_host_test

# Small stacks: the tests make many threads.
STACKS = {"SCHED_COOP_STACK_SIZE": 65536, "SCHED_COOP_MAIN_STACK_SIZE": 262144}

SCHED = ROOT / "lib/sched"
SOURCES = [SCHED / "tests/sched_test.c", SCHED / "tests/host_shim.c",
           *sorted((SCHED / "coop").glob("[!k]*.c")),  # all but ktest.c
           ROOT / "plat/x86_64/switch.S", ROOT / "plat/x86_64/arch.c"]
INCLUDES = ["lib/sched/include", "lib/alloc/include", "lib/boot/include",
            "lib/console/include", "lib/plat/include", "lib/time/include",
            "plat/x86_64/include", "lib/sched/tests"]


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    out = tmp_path_factory.mktemp("sched")
    return build_host_test(out, "sched_test", SOURCES, INCLUDES, STACKS)


@pytest.mark.parametrize("scenario", ["sleep_order", "round_robin", "waitqueues",
                                      "join_rules", "no_leaks", "main_returns_early",
                                      "tls_and_ids", "exit_then", "multi_queue",
                                      "many_on_one", "irq_wait"])
@pytest.mark.parametrize("seed", [1, 7, 12345])
def test_scenario(binary, scenario, seed):
    proc = subprocess.run([binary, scenario, str(seed)], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS {scenario}" in proc.stdout


def test_deadlock_panics_instead_of_hanging(binary):
    proc = subprocess.run([binary, "deadlock"], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 99
    assert "PANIC: deadlock: thread 'main' blocks" in proc.stdout
