"""Host checks of the VFS ([host-test.vfs] in ../core/library.toml):
vfs-core + ramfs + devfs compiled for the host with a shim, fixed
scenarios and a random stress compared call by call with the host kernel
in a temporary directory. Collected by tests/host/test_host.py."""

import subprocess

import pytest

from hostc import host_for

HOST = host_for(__file__)


def run(*args, timeout):
    return subprocess.run([HOST.program("vfs"), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("scenario", ["basic", "symlinks", "errors", "dups", "devices", "times",
                                      "morecalls"])
def test_scenario(scenario):
    proc = run(scenario, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS {scenario}" in proc.stdout


@pytest.mark.parametrize("seed", [1, 2, 3, 17, 99, 12345])
def test_stress_matches_host_kernel(seed, tmp_path):
    proc = run("stress", seed, tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS stress" in proc.stdout


def test_later_file_calls_match_host_kernel(tmp_path):
    """statx, utimensat & co, renameat2, faccessat2, preadv2/pwritev2,
    flock, fallocate, close_range, sendfile, copy_file_range, mknod and
    which timestamps each operation moves, error for error."""
    proc = run("compare", tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS compare" in proc.stdout
