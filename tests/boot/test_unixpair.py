"""AF_UNIX socketpair in booted images (tests/apps/unixpair, musl, no
network): the same checks compiled natively pass on Linux, and the image
prints exactly what Linux printed, on kvm under QEMU TCG and on linuxu.
Among them nginx's EPOLLRDHUP probe, wake-ups between threads, blocking
writes larger than the buffer, shutdown, close and SIGPIPE."""

import json
import subprocess

import pytest

from conftest import ROOT, run_kiln

from .conftest import app_builder, boot

pytestmark = pytest.mark.boot

APP = ROOT / "tests/apps/unixpair"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return app_builder(tmp_path_factory, APP)


@pytest.fixture(scope="module")
def linux_output(tmp_path_factory):
    native = tmp_path_factory.mktemp("unixpair-native") / "unixpair"
    subprocess.run(["gcc", "-D_GNU_SOURCE", "-o", str(native), str(APP / "main.c"),
                    "-lpthread"], check=True)
    proc = subprocess.run([str(native)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout
    return proc.stdout


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("linuxu", None)])
def test_pairs_behave_as_on_linux(built, linux_output, platform, machine):
    proc = boot(built(platform), platform, machine, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "unixpair: 0 checks" not in proc.stdout
    assert proc.stdout.strip() == linux_output.strip()
    assert "panic" not in proc.stdout + proc.stderr


def test_the_family_comes_with_musl_and_without_a_network(built):
    folder = built("linuxu")
    proc = run_kiln("why", "posix-socket-unix", "--plat", "linuxu", cwd=folder)
    assert proc.returncode == 0 and "libc-musl" in proc.stdout, proc.stdout + proc.stderr
    proc = run_kiln("why", "lwip", "--plat", "linuxu", cwd=folder)
    assert "not in the linuxu image" in proc.stdout, proc.stdout + proc.stderr
    proc = run_kiln("syscalls", "--plat", "linuxu", "--json", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    owner = {c["name"]: c["library"] for c in json.loads(proc.stdout)["implemented"]}
    assert owner.get("socketpair") == "posix-socket"
