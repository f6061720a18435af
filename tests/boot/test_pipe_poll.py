"""Pipes, eventfd and poll/select inside booted images: threads of the
real scheduler block in read, write, poll and select and wake each other,
and timeouts expire on the platform's timer (tests/apps/pipepoll runs the
vfs-pipe and vfs-poll ktests), on kvm under QEMU TCG and on linuxu."""

import json
import re
import shutil

import pytest

from conftest import ROOT, run_kiln

from .conftest import boot

pytestmark = pytest.mark.boot

APP = ROOT / "tests/apps/pipepoll"
EXPECTED = ["pipe.reader_blocks_until_a_writer_writes", "pipe.long_write_waits_for_the_reader",
            "pipe.closing_the_write_end_wakes_the_reader_with_eof",
            "pipe.closing_the_read_end_wakes_the_writer_with_epipe",
            "pipe.nonblocking_and_errors", "eventfd.semaphore_wakes_one_reader_per_count",
            "poll.wakes_when_another_thread_writes", "poll.hangup_wakes_a_poller",
            "poll.timeout_expires_on_the_timer", "poll.select_wakes_and_times_out",
            "poll.eventfd_readiness_between_threads", "poll.many_pollers_on_one_pipe",
            "vfs.create_write_read",
            "vfs.file_times_from_wall_clock"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pipepoll") / "pipepoll"
    shutil.copytree(APP, folder, ignore=shutil.ignore_patterns("build", ".kiln"))
    return folder


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("kvm", "pc"),
                                              ("linuxu", None)])
def test_pipe_poll_ktests_pass(app, platform, machine):
    proc = run_kiln("build", "--plat", platform, cwd=app)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = boot(app, platform, machine)
    out = proc.stderr
    failures = re.findall(r"^ktest: FAIL .*$", out, re.M)
    assert not failures, "\n".join(failures)
    for name in EXPECTED:
        assert f"ktest: PASS {name}" in out, out + proc.stderr
    assert "panic" not in out + proc.stderr
    assert proc.returncode == 0, out + proc.stderr


def test_image_lists_the_syscalls(app):
    proc = run_kiln("syscalls", "--plat", "linuxu", "--json", cwd=app)
    assert proc.returncode == 0, proc.stderr
    owner = {c["name"]: c["library"] for c in json.loads(proc.stdout)["implemented"]}
    for name in ("pipe", "pipe2", "eventfd", "eventfd2"):
        assert owner.get(name) == "vfs-pipe"
    for name in ("poll", "ppoll", "select", "pselect6"):
        assert owner.get(name) == "vfs-poll"
