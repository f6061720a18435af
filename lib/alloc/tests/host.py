"""Host checks of every alloc implementation (collected by
tests/host/test_host.py; the harness is [host-test.alloc] in ../api.toml).

Each implementation is compiled with the C harness of this folder under
ASan and UBSan, then run once per scenario (the allocator state is global).
A failing run prints its seed; replay it with KILN_TEST_SEED=<seed>.
The implementations come from the catalog: a new one is tested as soon as
its folder exists."""

import os
import signal
import subprocess

import pytest

from hostc import catalog, host_for, run as run_tool, undefined_symbols
from kiln.catalog import implementations

HOST = host_for(__file__)
IMPLS = implementations("alloc")
SEED = int(os.environ.get("KILN_TEST_SEED", "1"))
SCENARIOS = ["oom", "huge", "calloc", "zero", "regions", "bigregion"]
# What an allocator may need from the rest of the image.
ALLOWED_UNDEFINED = {"kn_panic", "memcpy", "memset"}


def run(impl, scenario, seed=SEED):
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0", UBSAN_OPTIONS="print_stacktrace=1")
    return subprocess.run([str(HOST.program("alloc", impl)), scenario, str(seed)],
                          capture_output=True, text=True, timeout=120, env=env)


def expect_ok(result):
    assert result.returncode == 0 and result.stdout.endswith("ok\n"), (
        f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("seed", [SEED, SEED + 1])
def test_random_stress(impl, seed):
    expect_ok(run(impl, "stress", seed))


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario(impl, scenario):
    expect_ok(run(impl, scenario))


MISUSE = [
    (impl, scenario, message)
    for impl in IMPLS
    for scenario, message in [("double-free", "free"), ("bad-free", "not a heap pointer"),
                              ("bad-pfree", "pages")]
    # a bump allocator does not remember page counts
    if not (impl == "region" and scenario == "bad-pfree")
]


@pytest.mark.parametrize("impl,scenario,message", MISUSE)
def test_misuse_panics(impl, scenario, message):
    result = run(impl, scenario)
    assert result.returncode == -signal.SIGABRT, (
        f"expected kn_panic, got exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    assert "kn: panic: " in result.stderr and message in result.stderr, result.stderr


@pytest.mark.parametrize("impl", IMPLS)
def test_builds_freestanding(impl):
    """The allocator compiles with the kernel flags and needs nothing but
    kn_panic, memcpy and memset from the rest of the image."""
    lib = catalog().libraries[f"alloc-{impl}"]
    objects = [HOST.kernel_object(lib.dir / src) for src in lib.sources]
    defined = {line.split()[-1] for obj in objects
               for line in run_tool(["nm", "--defined-only", obj]).splitlines()}
    undefined = set().union(*map(undefined_symbols, objects)) - defined
    assert undefined <= ALLOWED_UNDEFINED, undefined - ALLOWED_UNDEFINED


@pytest.mark.parametrize("impl", IMPLS)
def test_library_manifest(impl):
    """Every implementation provides alloc, needs the platform, boot and the
    console, and builds the API's shared calloc.c and heap.c after its own."""
    cat = catalog()
    lib = cat.libraries[f"alloc-{impl}"]
    api = cat.apis["alloc"]
    assert lib.provides == ["alloc"]
    assert set(lib.requires) == {"plat", "boot", "console"}
    assert lib.sources_for("kvm", with_ktests=False)[-2:] == [api.dir / "calloc.c",
                                                               api.dir / "heap.c"]
    assert lib.sources_for("kvm", with_ktests=True)[-1] == api.dir / "ktest.c"
    assert api.default == "alloc-tlsf"
