"""SQLite 3.40.1: the sqlite3 shell (apps/sqlite, built by SQLite's own
configure and make through kiln-cc) runs the SQL files of tests/data/sqlite
from the initrd on kvm (QEMU TCG) and linuxu, and its output must be the
host sqlite3's on the same files; the 60,000-INSERT benchmark
(apps/sqlite-bench) runs to completion on both."""

import re
import shutil
import subprocess

import pytest

from conftest import ROOT, run_kiln

SHELL_APP = ROOT / "apps/sqlite"
BENCH_APP = ROOT / "apps/sqlite-bench"
SQL = sorted((ROOT / "tests/data/sqlite").glob("*.sql"))
TARGETS = [("kvm", "microvm"), ("linuxu", None)]
# One test also boots on QEMU pc (SeaBIOS, a different memory map).
ALL_TARGETS = TARGETS + [("kvm", "pc")]
# No ~/.sqliterc (the guest has no HOME) and no prompts or banners (the
# guest's console is a terminal), on both sides.
SHELL_OPTIONS = ["-batch", "-init", "/dev/null"]


def _needs_musl():
    if not (ROOT / "lib/libc/musl/library.toml").is_file():
        pytest.skip("libc-musl (lib/libc/musl) is not in the tree: SQLite builds against musl")


def _copy(app, base, rootfs_files=()):
    folder = base / app.name
    shutil.copytree(app, folder, ignore=shutil.ignore_patterns("build", ".kiln"))
    if rootfs_files:
        shutil.rmtree(folder / "rootfs")
        (folder / "rootfs").mkdir()
        for f in rootfs_files:
            shutil.copy(f, folder / "rootfs" / f.name)
    return folder


class Builder:
    def __init__(self, folder):
        self.folder = folder
        self.done = set()

    def __call__(self, platform):
        if platform not in self.done:
            proc = run_kiln("build", "--plat", platform, cwd=self.folder, timeout=1200)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            self.done.add(platform)
        return self.folder


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    _needs_musl()
    return Builder(_copy(SHELL_APP, tmp_path_factory.mktemp("sqlite"), SQL))


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    _needs_musl()
    return Builder(_copy(BENCH_APP, tmp_path_factory.mktemp("sqlite-bench")))


def _boot(folder, platform, machine, args, timeout=180):
    cmd = ["run", "--plat", platform, "--timeout", str(timeout), "-a", args]
    if machine:
        cmd += ["--machine", machine]
    return run_kiln(*cmd, cwd=folder, timeout=timeout + 60)


def _shell_args(name):
    return " ".join(SHELL_OPTIONS) + f" :memory: '.read /{name}'"


def _host_sqlite(name):
    if shutil.which("sqlite3") is None:
        pytest.skip("the host's sqlite3 is not installed (bash tools/setup.sh installs it)")
    return subprocess.run(["sqlite3", *SHELL_OPTIONS, ":memory:", f".read {name}"],
                          cwd=ROOT / "tests/data/sqlite",
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("platform,machine", ALL_TARGETS)
def test_shell_output_matches_host_sqlite(shell, platform, machine):
    expected = _host_sqlite("basic.sql")
    assert expected.returncode == 0, expected.stderr
    proc = _boot(shell(platform), platform, machine, _shell_args("basic.sql"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == expected.stdout


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_shell_reports_sql_errors_like_the_host(shell, platform, machine):
    expected = _host_sqlite("errors.sql")
    assert expected.returncode == 1
    proc = _boot(shell(platform), platform, machine, _shell_args("errors.sql"))
    # The guest's stdout and stderr arrive apart, as the host's do.
    assert proc.returncode == expected.returncode, proc.stdout + proc.stderr
    assert proc.stdout == expected.stdout
    for line in expected.stderr.splitlines():
        assert line in proc.stderr.splitlines(), (line, proc.stderr)


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_mmap_reads_see_writes(shell, platform, machine, tmp_path):
    """PRAGMA mmap_size: SQLite reads its file through a MAP_SHARED mapping
    and writes it with write(); the mapping must follow the file (a stale
    copy gave wrong sums here)."""
    if shutil.which("sqlite3") is None:
        pytest.skip("the host's sqlite3 is not installed (bash tools/setup.sh installs it)")
    expected = subprocess.run(["sqlite3", *SHELL_OPTIONS, str(tmp_path / "mmap.db"),
                               ".read mmap.sql"], cwd=ROOT / "tests/data/sqlite",
                              capture_output=True, text=True, timeout=60)
    assert expected.returncode == 0, expected.stderr
    args = " ".join(SHELL_OPTIONS) + " /mmap.db '.read /mmap.sql'"
    proc = _boot(shell(platform), platform, machine, args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == expected.stdout


@pytest.mark.parametrize("platform,machine", TARGETS)
@pytest.mark.parametrize("database", [":memory:", "/bench.db"])
def test_bench_does_60000_inserts(bench, platform, machine, database):
    proc = _boot(bench(platform), platform, machine, database, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    match = re.search(r"^inserts=60000 seconds=(\d+\.\d{6})$", proc.stdout, re.M)
    assert match, proc.stdout
    assert float(match.group(1)) > 0
