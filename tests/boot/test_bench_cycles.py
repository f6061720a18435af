"""The cycle-benchmark apps (bench/apps/syscall_cost, bench/apps/open_cost)
and their Linux counterparts (bench/native/) build and run, and every path
they time reaches the call it claims to: the direct call, the dispatch
table and, on kvm, the `syscall` instruction agree on the result. No time
is asserted; a few iterations only."""

import re
import shutil
import subprocess

import pytest

from conftest import ROOT, run_kiln

from .conftest import boot

pytestmark = pytest.mark.boot

BENCH = ROOT / "bench"
TARGETS = [("kvm", "microvm"), ("linuxu", None)]


def bench_app(tmp_path, app: str, platform: str):
    """bench/apps/APP built in a copy laid out like bench/ (the apps include
    ../../native/cycles.h)."""
    folder = tmp_path / "apps" / app
    if not folder.exists():
        shutil.copytree(BENCH / "apps" / app, folder,
                        ignore=shutil.ignore_patterns("build", ".kiln"))
        shutil.copytree(BENCH / "native", tmp_path / "native", dirs_exist_ok=True)
    proc = run_kiln("build", "--plat", platform, cwd=folder)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder


def series(out: str) -> dict[str, list[int]]:
    """"bench: NAME ITERS T1 T2 ..." lines -> {NAME: [ITERS, T1, T2, ...]}."""
    found = {}
    for m in re.finditer(r"^bench: (\w+) ((?:\d+ ?)+)\s*$", out, re.M):
        found[m.group(1)] = [int(x) for x in m.group(2).split()]
    return found


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_syscall_cost_paths_agree(tmp_path, platform, machine):
    folder = bench_app(tmp_path, "syscall_cost", platform)
    proc = boot(folder, platform, machine, "-a", "50", "-a", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    info = re.search(r"^bench-info: syscall getppid nr 110 platform (\w+) direct (-?\d+) "
                     r"table (-?\d+)(?: trap (-?\d+))?$", proc.stdout, re.M)
    assert info, proc.stdout
    assert info.group(1) == platform
    results = {info.group(2), info.group(3)} | ({info.group(4)} if platform == "kvm" else set())
    assert results == {"0"}, info.group(0)       # Kiln's single process has parent 0
    got = series(proc.stdout)
    want = {"loop", "shim", "dispatch"}
    if platform == "kvm":
        want |= {"trap"}
    assert set(got) == want, proc.stdout
    for name, values in got.items():
        assert values[0] == 50 and len(values) == 4 and all(v > 0 for v in values[1:]), name


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_open_cost_opens_the_file_both_ways(tmp_path, platform, machine):
    folder = bench_app(tmp_path, "open_cost", platform)
    proc = boot(folder, platform, machine, "-a", "20", "-a", "2", "-a", "/etc/x")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = f"bench-info: open /etc/x platform {platform} create 0 fd 0 close 0"
    if platform == "kvm":
        line += " trap-fd 0 trap-close 0"     # a trap leaves no fd behind either
    assert line in proc.stdout.splitlines(), proc.stdout
    got = series(proc.stdout)
    want = {"loop", "open_close"} | ({"open_close_trap"} if platform == "kvm" else set())
    assert set(got) == want, proc.stdout


def test_open_cost_fails_on_an_unusable_path(tmp_path):
    """A path that cannot be created must stop the app, not time an error."""
    folder = bench_app(tmp_path, "open_cost", "linuxu")
    proc = boot(folder, "linuxu", None, "-a", "20", "-a", "2", "-a", "/no/such/dir/x")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "bench: open_close" not in proc.stdout


@pytest.mark.parametrize("program,args,names", [
    ("syscall_cost", ["50", "3"], {"loop", "getppid"}),
    ("open_cost", ["20", "2"], {"loop", "open_close"}),
])
def test_native_programs(tmp_path, program, args, names):
    gcc = shutil.which("gcc")
    if not gcc:
        pytest.skip("gcc is not installed")
    exe = tmp_path / program
    build = subprocess.run([gcc, "-O2", "-static", "-Wall", "-Wextra", "-Werror", "-o", str(exe),
                            str(BENCH / "native" / f"{program}.c")], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    if program == "open_cost":
        args = args + [str(tmp_path / "x")]
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert set(series(proc.stdout)) == names, proc.stdout


def test_boot_time_finds_the_steps_it_counts(images):
    """bench/boot_time.py attributes the instructions of a boot to these
    functions of the helloworld image (no scheduler): each must be a symbol
    of its own, not inlined away."""
    folder = images.get("helloworld", "kvm")
    nm = subprocess.run(["nm", str(folder / "build/kvm/helloworld.dbg")],
                        capture_output=True, text=True, check=True).stdout
    names = {line.split()[-1] for line in nm.splitlines()}
    steps = {"kn_pvh_entry", "kn_kvm_start", "kn_boot", "kn_heap_init", "main_thread", "main"}
    assert steps <= names, steps - names
