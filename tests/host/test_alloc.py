"""Host tests of the alloc implementations (lib/alloc/{buddy,tlsf,region}).

Each implementation is compiled with the C harness of lib/alloc/tests/ under
ASan and UBSan, then run once per scenario (the allocator state is global).
A failing run prints its seed; replay it with KILN_TEST_SEED=<seed>.
"""

import os
import shutil
import signal
import subprocess
import tomllib

import pytest

from conftest import ROOT

ALLOC = ROOT / "lib" / "alloc"
IMPLS = ["buddy", "tlsf", "region"]
SEED = int(os.environ.get("KILN_TEST_SEED", "1"))
INCLUDES = [f"-I{ROOT / d / 'include'}" for d in ("lib/alloc", "lib/boot", "lib/plat")]
SCENARIOS = ["oom", "huge", "calloc", "zero", "regions", "bigregion"]
# The kernel build flags of docs/BRIEF-common.md (without -I and -include).
KERNEL_CFLAGS = (
    "-std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -ffreestanding -nostdinc "
    "-fno-stack-protector -fno-pic -fno-pie -fno-omit-frame-pointer -ffunction-sections "
    "-fdata-sections -fvisibility=hidden -fno-asynchronous-unwind-tables "
    "-fcf-protection=none -m64 -mno-red-zone -Werror"
).split()
# What an allocator may need from the rest of the image.
ALLOWED_UNDEFINED = {"kn_panic", "memcpy", "memset"}


def gcc():
    path = shutil.which("gcc")
    if path is None:
        pytest.fail("gcc is required to run the host C tests", pytrace=False)
    return path


@pytest.fixture(scope="module")
def binaries(tmp_path_factory):
    out = tmp_path_factory.mktemp("alloc")
    tests = [str(p) for p in sorted((ALLOC / "tests").glob("*.c"))]
    builds = {}
    for impl in IMPLS:  # compile the three in parallel
        exe = out / f"alloc_test_{impl}"
        cmd = [gcc(), "-std=gnu11", "-O1", "-g", "-Wall", "-Wextra",
               "-Wno-unused-parameter", "-Werror",
               "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
               *INCLUDES, str(ALLOC / impl / f"{impl}.c"), str(ALLOC / "calloc.c"), *tests, "-o", str(exe)]
        builds[impl] = (exe, subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True))
    for impl, (exe, proc) in builds.items():
        _, err = proc.communicate()
        assert proc.returncode == 0, f"building the {impl} test failed:\n{err}"
    return {impl: exe for impl, (exe, _) in builds.items()}


def run(exe, scenario, seed=SEED):
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0", UBSAN_OPTIONS="print_stacktrace=1")
    return subprocess.run([str(exe), scenario, str(seed)], capture_output=True,
                          text=True, timeout=120, env=env)


def expect_ok(result):
    assert result.returncode == 0 and result.stdout.endswith("ok\n"), (
        f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("seed", [SEED, SEED + 1])
def test_random_stress(binaries, impl, seed):
    expect_ok(run(binaries[impl], "stress", seed))


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario(binaries, impl, scenario):
    expect_ok(run(binaries[impl], scenario))


MISUSE = [
    (impl, scenario, message)
    for impl in IMPLS
    for scenario, message in [("double-free", "free"), ("bad-free", "not a heap pointer"),
                              ("bad-pfree", "pages")]
    # a bump allocator does not remember page counts
    if not (impl == "region" and scenario == "bad-pfree")
]


@pytest.mark.parametrize("impl,scenario,message", MISUSE)
def test_misuse_panics(binaries, impl, scenario, message):
    result = run(binaries[impl], scenario)
    assert result.returncode == -signal.SIGABRT, (
        f"expected kn_panic, got exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    assert "kn: panic: " in result.stderr and message in result.stderr, result.stderr


@pytest.mark.parametrize("impl", IMPLS)
def test_builds_freestanding(tmp_path, impl):
    """The allocator compiles with the kernel flags and needs nothing but
    kn_panic, memcpy and memset from the rest of the image."""
    (tmp_path / "kn").mkdir()
    (tmp_path / "kn" / "config.h").write_text("")
    obj = tmp_path / f"{impl}.o"
    isystem = subprocess.run([gcc(), "-print-file-name=include"], capture_output=True,
                             text=True, check=True).stdout.strip()
    every_include = [f"-I{d}" for d in sorted(ROOT.glob("*/*/include"))]
    cmd = [gcc(), *KERNEL_CFLAGS, "-isystem", isystem, *every_include, f"-I{tmp_path}",
           "-include", "kn/config.h", "-c", str(ALLOC / impl / f"{impl}.c"), "-o", str(obj)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    nm = subprocess.run(["nm", "-u", str(obj)], capture_output=True, text=True, check=True)
    undefined = {line.split()[-1] for line in nm.stdout.splitlines() if line.strip()}
    assert undefined <= ALLOWED_UNDEFINED, undefined - ALLOWED_UNDEFINED


@pytest.mark.parametrize("impl", IMPLS)
def test_library_manifest(impl):
    manifest = tomllib.loads((ALLOC / impl / "library.toml").read_text())
    assert manifest["name"] == f"alloc-{impl}"
    assert manifest["provides"] == ["alloc"]
    assert set(manifest["requires"]) == {"plat", "boot", "console"}
    assert manifest["sources"] == [f"{impl}.c", "../calloc.c", "../heap.c"]
    api = tomllib.loads((ALLOC / "api.toml").read_text())
    assert api["name"] == "alloc" and api["default"] == "alloc-tlsf"
