"""Lua 5.4.4 (apps/lua, built by its own Makefile through kiln-cc) runs the
scripts of tests/data/lua from the initrd on kvm (QEMU TCG) and linuxu; its
output must be byte for byte the host lua5.4's on the same scripts."""

import shutil
import subprocess

import pytest

from conftest import ROOT, run_kiln

APP = ROOT / "apps/lua"
SCRIPTS = sorted((ROOT / "tests/data/lua").glob("*.lua"))
TARGETS = [("kvm", "microvm"), ("linuxu", None)]
# One test also boots on QEMU pc (SeaBIOS, a different memory map).
ALL_TARGETS = TARGETS + [("kvm", "pc")]


def _needs_musl():
    if not (ROOT / "lib/libc/musl/library.toml").is_file():
        pytest.skip("libc-musl (lib/libc/musl) is not in the tree: Lua builds against musl")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """apps/lua with the test scripts as its rootfs."""
    _needs_musl()
    folder = tmp_path_factory.mktemp("lua") / "lua"
    shutil.copytree(APP, folder, ignore=shutil.ignore_patterns("build", ".kiln"))
    shutil.rmtree(folder / "rootfs")
    (folder / "rootfs").mkdir()
    for script in SCRIPTS:
        shutil.copy(script, folder / "rootfs" / script.name)
    return folder


@pytest.fixture(scope="module")
def built(app):
    done = set()

    def build(platform):
        if platform not in done:
            proc = run_kiln("build", "-p", platform, cwd=app, timeout=900)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            done.add(platform)
        return app
    return build


def app_output(text: str) -> str:
    """The app's output: the console also carries the kernel's own
    messages (`kn: ...`, e.g. a system call logged as not implemented)."""
    return "".join(l for l in text.splitlines(keepends=True) if not l.startswith("kn: "))


def _boot(folder, platform, machine, args):
    cmd = ["run", "-p", platform, "--timeout", "120", "-a", args]
    if machine:
        cmd += ["--machine", machine]
    return run_kiln(*cmd, cwd=folder, timeout=200)


@pytest.fixture(scope="module")
def host_lua(tmp_path_factory):
    if shutil.which("lua5.4") is None:
        pytest.skip("the host's lua5.4 is not installed (bash tools/setup.sh installs it)")
    work = tmp_path_factory.mktemp("lua-host")
    for script in SCRIPTS:
        shutil.copy(script, work / script.name)

    def run(name):
        # UTC like the unikernel, which has no time zone data.
        proc = subprocess.run(["lua5.4", name], cwd=work, capture_output=True, text=True,
                              timeout=60, env={"TZ": "UTC", "PATH": "/usr/bin:/bin"})
        assert proc.returncode == 0, proc.stderr
        return proc.stdout
    return run


@pytest.mark.parametrize("platform,machine", TARGETS)
@pytest.mark.parametrize("script", [s.name for s in SCRIPTS])
def test_script_output_matches_host_lua(built, host_lua, script, platform, machine):
    expected = host_lua(script)
    proc = _boot(built(platform), platform, machine, script)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert app_output(proc.stdout) == expected


@pytest.mark.parametrize("platform,machine", ALL_TARGETS)
def test_command_line_chunk_and_error_exit(built, platform, machine):
    folder = built(platform)
    proc = _boot(folder, platform, machine, "-e 'print(6*7, math.type(2^53))'")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert app_output(proc.stdout) == "42\tfloat\n"
    # An uncaught error: lua reports it and exits with status 1.
    proc = _boot(folder, platform, machine, "-e 'error([[boom]])'")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "boom" in proc.stdout + proc.stderr


def test_shipped_app_runs_its_demo_script(tmp_path):
    """apps/lua as shipped: `kiln run` runs rootfs/hello.lua ([run] args)."""
    _needs_musl()
    folder = tmp_path / "lua"
    shutil.copytree(APP, folder, ignore=shutil.ignore_patterns("build", ".kiln"))
    proc = run_kiln("build", "-p", "linuxu", cwd=folder, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_kiln("run", "-p", "linuxu", "--timeout", "60", cwd=folder, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Hello from Lua 5.4 in a Kiln unikernel" in proc.stdout
    assert "squares: 1 4 9 16 25 36 49 64 81 100" in proc.stdout
