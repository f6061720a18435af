"""Host C unit tests of vfs-pipe and vfs-poll (lib/vfs/{pipe,poll}/tests):
pipes, eventfd, poll/ppoll/select/pselect6 on vfs-core + ramfs + devfs,
compared call by call with the host kernel. One thread and a fake clock:
a blocking call runs a scripted "other thread" or jumps the clock to its
deadline, so timeouts are exact and nothing can hang."""

import subprocess

import pytest

from conftest import ROOT

VFS = ROOT / "lib/vfs"
SOURCES = [VFS / "tests/host_shim.c", *sorted((VFS / "pipe/tests").glob("*.c")),
           *sorted((VFS / "poll/tests").glob("*.c")),
           VFS / "core/vfs.c", VFS / "core/fd.c", VFS / "core/attr.c",
           VFS / "core/readiness.c", VFS / "core/mapped.c",
           VFS / "ramfs/ramfs.c", VFS / "devfs/devfs.c",
           VFS / "pipe/pipe.c", VFS / "pipe/eventfd.c",
           VFS / "poll/poll.c", VFS / "poll/select.c", VFS / "poll/wait.c"]
INCLUDES = ["lib/vfs/include", "lib/vfs/pipe/include", "lib/vfs/poll/include",
            "lib/boot/include", "lib/alloc/include", "lib/console/include",
            "lib/syscall/include", "lib/sched/include", "lib/time/include"]
SCENARIOS = ["pipe_basic", "pipe_errors", "pipe_capacity", "pipe_epipe", "pipe_resize", "pipe_blocking",
             "eventfd_counter", "eventfd_blocking", "poll_masks", "poll_many", "poll_wakes",
             "select_sets", "select_timeouts", "poll_not_woken_by_others", "poll_three_pipes",
             "poll_timeout_leaves_nothing"]


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    exe = tmp_path_factory.mktemp("pipepoll") / "pipe_poll_test"
    cmd = ["gcc", "-O1", "-g", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror",
           "-fsanitize=address,undefined", "-fno-sanitize-recover", "-fno-omit-frame-pointer",
           *[f"-I{ROOT / d}" for d in INCLUDES], *map(str, SOURCES), "-o", str(exe)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return exe


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario(binary, scenario):
    proc = subprocess.run([binary, scenario], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS {scenario}" in proc.stdout


@pytest.mark.parametrize("seed", [1, 2, 3, 42, 1234, 99991])
def test_random_operations_match_the_host_kernel(binary, seed):
    proc = subprocess.run([binary, "stress"], capture_output=True, text=True, timeout=60,
                          env={"STRESS_SEED": str(seed)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS stress" in proc.stdout


def test_unknown_scenario_is_an_error(binary):
    proc = subprocess.run([binary, "nope"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
