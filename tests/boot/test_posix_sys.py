"""The POSIX time, process, mmap and signal libraries in booted images:
their in-kernel tests (tests/apps/posixsys) on kvm and linuxu, the default
action of a terminating signal, and the raw `syscall` trap path
(tests/apps/rawsyscall, kvm only) on both QEMU machines."""

import re
import shutil

import pytest

from conftest import ROOT, run_kiln

from .conftest import boot

pytestmark = pytest.mark.boot

SUITES = ("mmap", "posix_time", "posix_process", "posix_signal")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Builds an app once per (app, platform, allocator) in a tmp folder."""
    base = tmp_path_factory.mktemp("posixsys")
    done = {}

    def get(app, platform, alloc="tlsf"):
        key = (app, platform, alloc)
        if key not in done:
            folder = base / f"{app}-{alloc}"
            if not folder.exists():
                shutil.copytree(ROOT / "tests/apps" / app, folder,
                                ignore=shutil.ignore_patterns("build", ".kiln"))
            proc = run_kiln("build", "--plat", platform, "--use", f"alloc={alloc}", cwd=folder)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            done[key] = folder
        return done[key]
    return get


def ktest_results(out):
    failures = re.findall(r"^ktest: FAIL .*$", out, re.M)
    summary = re.search(r"^ktest: (\d+) passed, (\d+) failed$", out, re.M)
    passed = set(re.findall(r"^ktest: PASS (\S+)$", out, re.M))
    return failures, summary, passed


# Every allocator on linuxu (quick), the default one under QEMU.
@pytest.mark.parametrize("platform,machine,alloc", [
    ("kvm", "microvm", "tlsf"), ("linuxu", None, "tlsf"), ("linuxu", None, "buddy"),
    ("linuxu", None, "region")])
def test_posix_ktests_pass(built, platform, machine, alloc):
    folder = built("posixsys", platform, alloc)
    proc = boot(folder, platform, machine, "-a", "posix")
    failures, summary, passed = ktest_results(proc.stderr)
    assert not failures, "\n".join(failures)
    assert summary and summary.group(2) == "0", proc.stderr + proc.stdout
    for suite in ("posix_time", "posix_process", "posix_signal"):
        assert sum(name.startswith(suite + ".") for name in passed) >= 5, (suite, passed)
    assert proc.returncode == 0
    proc = boot(folder, platform, machine, "-a", "mmap")
    failures, summary, passed = ktest_results(proc.stderr)
    assert not failures, "\n".join(failures)
    assert summary and summary.group(2) == "0" and int(summary.group(1)) >= 9, proc.stderr
    assert "mmap.file_backed_private_mapping" in passed
    assert "mmap.out_of_memory_is_enomem" in passed
    assert proc.returncode == 0


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("linuxu", None)])
def test_brk_limit_is_a_kernel_parameter(built, platform, machine):
    folder = built("posixsys", platform)
    proc = boot(folder, platform, machine, "-a", "brk")
    assert "posixsys: brk grows: yes" in proc.stderr, proc.stderr
    proc = boot(folder, platform, machine, "-k", "mmap.brk_kib=32", "-a", "brk")
    assert "posixsys: brk grows: no" in proc.stderr, proc.stderr
    assert proc.returncode == 0


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("linuxu", None)])
def test_uname_and_hostname_parameter(built, platform, machine):
    folder = built("posixsys", platform)
    proc = boot(folder, platform, machine, "-a", "uname")
    assert re.search(r"posixsys: uname sysname=Linux nodename=kiln release=\S*kiln\S* "
                     r"machine=x86_64", proc.stderr), proc.stderr
    proc = boot(folder, platform, machine, "-k", "process.hostname=furnace", "-a", "uname")
    assert "nodename=furnace " in proc.stderr, proc.stderr
    assert proc.returncode == 0


@pytest.mark.parametrize("platform,machine,sig,name,terminates", [
    ("kvm", "microvm", 15, "SIGTERM", True), ("kvm", "microvm", 17, "SIGCHLD", False),
    ("kvm", "microvm", 6, "SIGABRT", True), ("kvm", "pc", 6, "SIGABRT", True),
    ("linuxu", None, 15, "SIGTERM", True), ("linuxu", None, 6, "SIGABRT", True),
    ("linuxu", None, 10, "SIGUSR1", True), ("linuxu", None, 34, "SIGRT2", True),
    ("linuxu", None, 17, "SIGCHLD", False), ("linuxu", None, 28, "SIGWINCH", False)])
def test_default_signal_action(built, platform, machine, sig, name, terminates):
    folder = built("posixsys", platform)
    proc = boot(folder, platform, machine, "-a", f"kill {sig}")
    out = proc.stderr
    assert f"posixsys: sending signal {sig} to myself" in out
    if terminates:
        assert f"kn: terminated by signal {name}" in out
        assert "still running" not in out
        # 128+signo on both: kvm's status record carries all 8 bits.
        assert proc.returncode == 128 + sig, out
    else:
        assert "posixsys: still running after kill (0)" in out
        assert "terminated" not in out
        assert proc.returncode == 0


@pytest.mark.parametrize("machine", ["microvm", "pc"])
def test_raw_syscalls_through_the_trap(built, machine):
    folder = built("rawsyscall", "kvm")
    proc = boot(folder, "kvm", machine)
    out = proc.stdout  # write(1, ...) through the trap
    assert "rawsyscall: hello through the trap path" in out
    assert not re.findall(r"^rawsyscall: FAIL .*$", out, re.M), out
    summary = re.search(r"^rawsyscall: (\d+) passed, 0 failed$", out, re.M)
    assert summary and int(summary.group(1)) >= 16, out
    # The unknown call is logged by name, once, with the kernel's messages.
    assert proc.stderr.count("kn: syscall kexec_load (246) is not implemented") == 1, \
        proc.stderr
    assert proc.returncode == 0


def test_rawsyscall_refuses_linuxu(tmp_path):
    folder = tmp_path / "rawsyscall"
    shutil.copytree(ROOT / "tests/apps/rawsyscall", folder,
                    ignore=shutil.ignore_patterns("build", ".kiln"))
    proc = run_kiln("build", "--plat", "linuxu", cwd=folder)
    assert proc.returncode != 0
    assert "needs the kvm platform" in proc.stdout + proc.stderr
