"""Host checks of posix-mmap against the host kernel ([host-test.mmap] in
../library.toml): the same calls on both sides, errors and page contents
compared, random stress under ASan/UBSan with a leak check. Collected by
tests/host/test_host.py."""

import os
import subprocess

import pytest

from hostc import host_for

HOST = host_for(__file__)


def run(*args):
    # ASan's own mlockall/mmap interception does not matter here; leaks do.
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1")
    return subprocess.run([str(HOST.program("mmap")), *map(str, args)], capture_output=True,
                          text=True, timeout=120, env=env)


@pytest.mark.parametrize("scenario", ["errors", "oom", "brk", "protect"])
def test_mmap_scenario(scenario):
    proc = run(scenario)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS {scenario}" in proc.stdout


def test_mmap_files_match_host(tmp_path):
    proc = run("files", tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS files" in proc.stdout


@pytest.mark.parametrize("seed", [1, 2, 3, 7, 42, 1234])
def test_mmap_stress_matches_host(seed):
    proc = run("stress", seed)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS stress" in proc.stdout
