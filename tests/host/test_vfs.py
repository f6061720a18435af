"""Host C unit tests of the VFS (lib/vfs/tests): vfs-core + ramfs + devfs
compiled for the host with a shim, fixed scenarios and a random stress
compared call by call with the host kernel in a temporary directory."""

import subprocess

import pytest

from conftest import ROOT

VFS = ROOT / "lib/vfs"
SOURCES = [*sorted((VFS / "tests").glob("*.c")), VFS / "core/vfs.c", VFS / "core/fd.c",
           VFS / "core/attr.c", VFS / "core/mapped.c",
           VFS / "ramfs/ramfs.c", VFS / "devfs/devfs.c"]
INCLUDES = ["lib/vfs/include", "lib/boot/include", "lib/alloc/include",
            "lib/console/include", "lib/syscall/include", "lib/time/include"]


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    exe = tmp_path_factory.mktemp("vfs") / "vfs_test"
    cmd = ["gcc", "-O1", "-g", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror",
           "-fsanitize=address,undefined", "-fno-sanitize-recover", "-fno-omit-frame-pointer",
           *[f"-I{ROOT / d}" for d in INCLUDES], *map(str, SOURCES), "-o", str(exe)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return exe


@pytest.mark.parametrize("scenario", ["basic", "symlinks", "errors", "dups", "devices", "times",
                                      "morecalls"])
def test_scenario(binary, scenario):
    proc = subprocess.run([binary, scenario], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS {scenario}" in proc.stdout


@pytest.mark.parametrize("seed", [1, 2, 3, 17, 99, 12345])
def test_stress_matches_host_kernel(binary, seed, tmp_path):
    proc = subprocess.run([binary, "stress", str(seed), str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS stress" in proc.stdout


def test_later_file_calls_match_host_kernel(binary, tmp_path):
    """statx, utimensat & co, renameat2, faccessat2, preadv2/pwritev2,
    flock, fallocate, close_range, sendfile, copy_file_range, mknod and
    which timestamps each operation moves, error for error."""
    proc = subprocess.run([binary, "compare", str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS compare" in proc.stdout
