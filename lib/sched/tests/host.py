"""Host checks of the cooperative scheduler ([host-test.sched] in
../coop/library.toml), collected by tests/host/test_host.py."""

import subprocess

import pytest

from hostc import host_for

HOST = host_for(__file__)


@pytest.mark.parametrize("scenario", ["sleep_order", "round_robin", "waitqueues",
                                      "join_rules", "no_leaks", "main_returns_early",
                                      "tls_and_ids", "exit_then", "multi_queue",
                                      "many_on_one", "irq_wait"])
@pytest.mark.parametrize("seed", [1, 7, 12345])
def test_scenario(scenario, seed):
    proc = subprocess.run([HOST.program("sched"), scenario, str(seed)], capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS {scenario}" in proc.stdout


def test_deadlock_panics_instead_of_hanging():
    proc = subprocess.run([HOST.program("sched"), "deadlock"], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 99
    assert "PANIC: deadlock: thread 'main' blocks" in proc.stdout
