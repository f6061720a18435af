"""Lua 5.4.4 (apps/lua, built by its own Makefile through kiln-cc) runs the
scripts of tests/data/lua from the initrd on kvm (QEMU TCG) and linuxu; its
output must be byte for byte the host lua5.4's on the same scripts."""

import shutil
import subprocess
import sys

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
            proc = run_kiln("build", "--plat", platform, cwd=app, timeout=900)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            done.add(platform)
        return app
    return build


def _boot(folder, platform, machine, args):
    cmd = ["run", "--plat", platform, "--timeout", "120", "-a", args]
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
    assert proc.stdout == expected


@pytest.mark.parametrize("platform,machine", ALL_TARGETS)
def test_command_line_chunk_and_error_exit(built, platform, machine):
    folder = built(platform)
    proc = _boot(folder, platform, machine, "-e 'print(6*7, math.type(2^53))'")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "42\tfloat\n"
    # An uncaught error: lua reports it and exits with status 1.
    proc = _boot(folder, platform, machine, "-e 'error([[boom]])'")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "boom" in proc.stderr and proc.stdout == "", proc.stdout + proc.stderr


def test_shipped_app_runs_its_demo_script(tmp_path):
    """apps/lua as shipped: `kiln run` runs rootfs/hello.lua ([run] args)."""
    _needs_musl()
    folder = tmp_path / "lua"
    shutil.copytree(APP, folder, ignore=shutil.ignore_patterns("build", ".kiln"))
    proc = run_kiln("build", "--plat", "linuxu", cwd=folder, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_kiln("run", "--plat", "linuxu", "--timeout", "60", cwd=folder, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Hello from Lua 5.4 in a Kiln unikernel" in proc.stdout
    assert "squares: 1 4 9 16 25 36 49 64 81 100" in proc.stdout


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_exit_status_and_stderr_are_luas(built, platform, machine):
    """os.exit's whole 8 bits, and io.stderr on kiln's stderr only."""
    folder = built(platform)
    for status in (128, 255):
        proc = _boot(folder, platform, machine, f"-e 'os.exit({status})'")
        assert proc.returncode == status, proc.stdout + proc.stderr
    proc = _boot(folder, platform, machine,
                 "-e 'io.stderr:write([[to err]], string.char(10)) print(1)'")
    assert proc.returncode == 0 and proc.stdout == "1\n", proc.stdout + proc.stderr
    assert "to err\n" in proc.stderr


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_reader_that_goes_away_ends_the_guest_quietly(built, platform, machine):
    """`kiln run | head -1` with far more than a pipe's worth of output left:
    kiln stops the guest and exits 141 without a word, as `yes | head -1`."""
    folder = built(platform)
    cmd = [sys.executable, "-m", "kiln", "run", "--plat", platform, "--timeout", "300",
           "-a", "-e 'for i=1,1000000 do print(i) end'"]
    if machine:
        cmd += ["--machine", machine]
    proc = subprocess.Popen(cmd, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline() == b"1\n"
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=200) == 141, err
    assert b"Traceback" not in err and b"Error" not in err, err
    assert b"timeout" not in err, err  # stopped at once, not at the timeout
