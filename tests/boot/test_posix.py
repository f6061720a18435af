"""The POSIX test app (tests/apps/posix): first compiled natively and run
on the host, which proves its expectations are Linux's, then built with
musl and booted on kvm (QEMU TCG) and linuxu, where every check must pass
the same way."""

import shutil
import subprocess

import pytest

from conftest import ROOT, run_kiln

APP = ROOT / "tests/apps/posix"
SOURCES = sorted(p.name for p in APP.glob("*.c"))


def summary_lines(output: str) -> list[str]:
    return [line for line in output.splitlines()
            if line.startswith(("ok ", "FAILED ", "FAIL ", "posixtest:"))]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    work = tmp_path_factory.mktemp("posix-native")
    exe = work / "posixtest"
    subprocess.run(["gcc", "-O1", "-D_GNU_SOURCE", "-pthread", "-o", str(exe),
                    *(str(APP / s) for s in SOURCES)], check=True)
    proc = subprocess.run([str(exe)], cwd=work, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return summary_lines(proc.stdout)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("posix") / "posix"
    shutil.copytree(APP, folder, ignore=shutil.ignore_patterns("build", ".kiln"))
    return folder


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("kvm", "pc"), ("linuxu", None)])
def test_posix_app_matches_linux(app, reference, platform, machine):
    proc = run_kiln("build", "--plat", platform, cwd=app, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cmd = ["run", "--plat", platform, "--timeout", "120"]
    cmd += ["--machine", machine] if machine else []
    proc = run_kiln(*cmd, cwd=app, timeout=200)
    assert summary_lines(proc.stdout) == reference, proc.stdout + proc.stderr
    assert proc.returncode == 0


def test_posix_reference_is_all_passed(reference):
    assert reference[-1] == "posixtest: all passed"
    assert len(reference) == 13
