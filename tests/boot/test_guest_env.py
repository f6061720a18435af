"""The guest's environment (tests/apps/guestenv, with nolibc and a musl
twin): PATH and HOME by default as docker sets them, kiln.toml's [run] env,
`kiln run -e` (KEY=VALUE, or KEY for the host's value) over both, and
values with spaces, quotes, '=' and backslashes arriving intact. On kvm
(QEMU microvm, TCG) and linuxu."""

import pytest

from conftest import ROOT

from .conftest import app_builder, boot

pytestmark = pytest.mark.boot

TARGETS = [("kvm", "microvm"), ("linuxu", None)]
IDS = ["kvm-microvm", "linuxu"]
DOCKER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
TRICKY = 'a "quoted" b=c \\n \\\\x\\'


def use_musl(folder):
    with open(folder / "kiln.toml", "a") as toml:
        toml.write('\n[choose]\nlibc = "libc-musl"\n')


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """(libc, platform) -> the app folder, built."""
    source = ROOT / "tests/apps/guestenv"
    builders = {"nolibc": app_builder(tmp_path_factory, source),
                "musl": app_builder(tmp_path_factory, source, use_musl)}
    return lambda libc, platform: builders[libc](platform)


@pytest.mark.parametrize("libc", ["nolibc", "musl"])
@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_default_toml_and_cli_environment(app, libc, platform, machine, monkeypatch):
    monkeypatch.setenv("KILN_FROM_HOST", "host value")
    monkeypatch.delenv("KILN_NOT_ON_HOST", raising=False)
    names = "PATH HOME FROM_TOML OVERRIDDEN TRICKY EMPTY KILN_FROM_HOST KILN_NOT_ON_HOST NOPE"
    proc = boot(app(libc, platform), platform, machine,
                "-e", "OVERRIDDEN=by -e", "-e", f"TRICKY={TRICKY}", "-e", "EMPTY=",
                "-e", "KILN_FROM_HOST", "-e", "KILN_NOT_ON_HOST", "-a", names)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [
        f"PATH=[{DOCKER_PATH}]",
        "HOME=[/root]",
        "FROM_TOML=[toml]",
        "OVERRIDDEN=[by -e]",
        f"TRICKY=[{TRICKY}]",
        "EMPTY=[]",
        "KILN_FROM_HOST=[host value]",
        "KILN_NOT_ON_HOST unset",
        "NOPE unset",
    ]


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_environment_from_kernel_words(app, platform, machine):
    """NAME=VALUE kernel words (-k) set variables, PATH included; the
    older libc.env list still works."""
    proc = boot(app("nolibc", platform), platform, machine, "-k", "PATH=/opt/bin",
                "-k", "libc.env=ONE=1,TWO=2", "-a", "PATH ONE TWO HOME")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == ["PATH=[/opt/bin]", "ONE=[1]", "TWO=[2]", "HOME=[/root]"]
    assert "kn: warning" not in proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def tmpdir_app(tmp_path_factory):
    return app_builder(tmp_path_factory, ROOT / "tests/apps/tmpdir")


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_tmp_and_home_are_writable(tmpdir_app, platform, machine):
    """Without any rootfs, /tmp exists with mode 1777 and HOME (/root) is a
    directory: files there can be written and read back. (An archive's own
    tmp/ is kept: tests/boot/test_initrd.py.)"""
    proc = boot(tmpdir_app(platform), platform, machine)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [
        "/tmp mode 41777",
        "/tmp/x: written and read",
        "HOME /root mode 40700",
        "$HOME/.history: written and read",
    ]
