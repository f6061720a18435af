"""posix-thread in booted images: its in-kernel tests (TLS, futex,
kn_clone, thread ids) and how exit and exit_group end an image, on kvm
(QEMU TCG, microvm) and linuxu."""

import re
import shutil

import pytest

from conftest import ROOT, run_kiln

from .conftest import boot

pytestmark = pytest.mark.boot
APP = ROOT / "tests/apps/posixthread"
TARGETS = [("kvm", "microvm"), ("linuxu", None)]
IDS = ["kvm-microvm", "linuxu"]
OWN_TESTS = [
    "posix_thread.tls_per_thread_survives_switches", "posix_thread.arch_prctl_errors",
    "posix_thread.thread_ids", "posix_thread.robust_list_is_stored",
    "posix_thread.affinity_and_yield", "posix_thread.futex_wait_and_wake_in_order",
    "posix_thread.futex_wait_value_mismatch_is_eagain", "posix_thread.futex_timeouts",
    "posix_thread.futex_wake_after_deadline_still_counts", "posix_thread.futex_bitsets",
    "posix_thread.futex_requeue", "posix_thread.futex_errors",
    "posix_thread.clone_runs_threads_with_tls_and_cleartid_join",
    "posix_thread.clone_child_exit_syscall_clears_tid",
    "posix_thread.clone_without_settls_inherits_the_thread_pointer",
    "posix_thread.clone_refuses_what_it_cannot_do", "posix_thread.clone_churn",
    "posix_thread.exiting_thread_releases_its_own_stack",
]


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    built = {}

    def get(platform):
        if platform not in built:
            folder = tmp_path_factory.mktemp("posixthread") / "app"
            shutil.copytree(APP, folder, ignore=shutil.ignore_patterns("build", ".kiln"))
            proc = run_kiln("build", "--plat", platform, cwd=folder)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            built[platform] = folder
        return built[platform]
    return get


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_posix_thread_ktests_pass(image, platform, machine):
    proc = boot(image(platform), platform, machine)
    out = proc.stderr
    failures = re.findall(r"^ktest: FAIL .*$", out, re.M)
    assert not failures, "\n".join(failures)
    trap = [f"posix_thread.trap_clone_{t}" for t in
            ("child_returns_zero_with_parent_registers", "refuses_what_it_cannot_do")]
    for name in OWN_TESTS + [f"plat_{platform}.fs_base_is_loaded", "sched.yield_round_robin",
                             *(trap if platform == "kvm" else [])]:
        assert f"ktest: PASS {name}\n" in out, name
    summary = re.search(r"^ktest: (\d+) passed, 0 failed$", out, re.M)
    assert summary and int(summary.group(1)) >= len(OWN_TESTS) + 2, out
    assert proc.returncode == 0


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_exit_on_main_waits_for_clones(image, platform, machine):
    proc = boot(image(platform), platform, machine, "-a", "exit-main")
    lines = [line for line in proc.stderr.splitlines() if line.startswith("posixthread:")]
    assert lines[0] == "posixthread: main exits", proc.stderr
    assert sorted(lines[1:]) == ["posixthread: child 0 done", "posixthread: child 1 done"]
    assert proc.returncode == 5, proc.stdout + proc.stderr


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_exit_group_from_a_clone_ends_the_image(image, platform, machine):
    proc = boot(image(platform), platform, machine, "-a", "exit-group")
    assert "posixthread: exit_group(9)" in proc.stderr
    assert "main was not ended" not in proc.stderr
    assert proc.returncode == 9, proc.stdout + proc.stderr
