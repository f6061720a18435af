"""Host checks of posix-socket-unix ([host-test.pairs] in ../library.toml):
socketpair(AF_UNIX, SOCK_STREAM) on posix-socket, vfs-core and vfs-poll,
compared call by call with the host kernel; blocking calls end through a
scripted "other thread" and a fake clock, so nothing waits on time.
Collected by tests/host/test_host.py."""

import subprocess

import pytest

from hostc import host_for

HOST = host_for(__file__)
SCENARIOS = ["pair_errors", "pair_io", "pair_shutdown", "pair_close", "pair_capacity",
             "pair_options", "pair_names", "unconnected", "pair_blocking", "pair_poll_masks",
             "pair_nginx_rdhup_probe", "pair_epoll_edges", "pair_epoll_wakes"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario(scenario):
    proc = subprocess.run([HOST.program("pairs"), scenario], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS {scenario}" in proc.stdout


def test_unknown_scenario_is_an_error():
    proc = subprocess.run([HOST.program("pairs"), "nope"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
