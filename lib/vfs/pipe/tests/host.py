"""Host checks of vfs-pipe and vfs-poll ([host-test.pipe_poll] in
../library.toml): pipes, eventfd, poll/ppoll/select/pselect6 and epoll on vfs-core +
ramfs + devfs, compared call by call with the host kernel. One thread and
a fake clock: a blocking call runs a scripted "other thread" or jumps the
clock to its deadline, so timeouts are exact and nothing can hang.
Collected by tests/host/test_host.py."""

import subprocess

import pytest

from hostc import host_for

HOST = host_for(__file__)
SCENARIOS = ["pipe_basic", "pipe_errors", "pipe_capacity", "pipe_epipe", "pipe_resize",
             "pipe_blocking", "eventfd_counter", "eventfd_blocking", "poll_masks", "poll_many",
             "poll_wakes",
             "select_sets", "select_timeouts", "poll_not_woken_by_others", "poll_three_pipes",
             "poll_timeout_leaves_nothing", "epoll_level", "epoll_edge", "epoll_oneshot",
             "epoll_hangup", "epoll_errors", "epoll_nested", "epoll_close_removes",
             "epoll_wakes"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario(scenario):
    proc = subprocess.run([HOST.program("pipe_poll"), scenario], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS {scenario}" in proc.stdout


@pytest.mark.parametrize("seed", [1, 2, 3, 42, 1234, 99991])
def test_random_operations_match_the_host_kernel(seed):
    proc = subprocess.run([HOST.program("pipe_poll"), "stress"], capture_output=True,
                          text=True, timeout=60, env={"STRESS_SEED": str(seed)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS stress" in proc.stdout


def test_unknown_scenario_is_an_error():
    proc = subprocess.run([HOST.program("pipe_poll"), "nope"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
