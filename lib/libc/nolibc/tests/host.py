"""Host checks of nolibc, collected by tests/host/test_host.py.

Every source is compiled once with the kernel's freestanding flags (the
ones `kiln build` uses, from kiln.cflags) and -Werror, exactly as an image
builds it. Those objects are then checked as a library (what it exports and
imports) and, renamed nl_<symbol> with objcopy so they cannot clash with
glibc, linked into nolibc_test.c, which compares them with glibc on random
inputs.
"""

import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from hostc import host_for

HOST = host_for(__file__)
NOLIBC = str(HOST.library.dir)
FORMAT_C = str(HOST.root / "lib" / "console" / "format.c")
HARNESS = os.path.join(NOLIBC, "tests", "nolibc_test.c")

# What nolibc may take from the rest of the image; the scheduler is optional
# (uses): a build with CONFIG_HAVE_SCHED takes SCHED_KN too.
REQUIRED_KN = {
    "kn_console_write", "kn_console_write_err", "kn_vformat", "kn_vsnprintf", "kn_snprintf",
    "kn_malloc", "kn_calloc", "kn_realloc", "kn_memalign", "kn_free",
    "kn_malloc_usable_size", "kn_exit", "kn_panic", "kn_time_monotonic_ns",
    "kn_time_wall_ns", "kn_boot_environ",
}
SCHED_KN = {"kn_sched_errno_location", "kn_sleep_ns"}


def _run(cmd, **kw):
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode:
        raise AssertionError(f"{' '.join(cmd)}\n{res.stdout}{res.stderr}")
    return res.stdout


def _sources():
    return HOST.library.sources


def _build(tmp_path_factory, name, extra_flags):
    build = tmp_path_factory.mktemp(name)
    flags = HOST.kernel_flags("kvm") + extra_flags

    def compile_one(src):
        obj = build / (os.path.splitext(os.path.basename(src))[0] + ".o")
        _run([*flags, "-c", src, "-o", str(obj)])
        return str(obj)

    srcs = [os.path.join(NOLIBC, s) for s in _sources()]
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) + 1) as pool:
        objs = list(pool.map(compile_one, srcs))
        fmt = pool.submit(compile_one, FORMAT_C).result()
    return {"dir": build, "objs": objs, "format": fmt, "flags": flags}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """nolibc as an image without a scheduler builds it."""
    return _build(tmp_path_factory, "nolibc", [])


@pytest.fixture(scope="module")
def built_sched(tmp_path_factory):
    """nolibc as an image with a scheduler builds it (kn/config.h would
    define CONFIG_HAVE_SCHED)."""
    return _build(tmp_path_factory, "nolibc-sched", ["-DCONFIG_HAVE_SCHED=1"])


def _symbols(obj):
    """(defined globals, undefined, weak undefined) of an object."""
    defined, undefined, weak = set(), set(), set()
    for line in _run(["nm", obj]).splitlines():
        parts = line.split()
        kind, name = parts[-2], parts[-1]
        if kind == "U":
            undefined.add(name)
        elif kind == "w":
            weak.add(name)
        elif kind.isupper():
            defined.add(name)
    return defined, undefined, weak


def test_sources_are_all_listed():
    on_disk = set()
    for d, _, files in os.walk(os.path.join(NOLIBC, "src")):
        for f in files:
            if f.endswith((".c", ".S")):
                on_disk.add(os.path.relpath(os.path.join(d, f), NOLIBC))
    assert set(_sources()) == on_disk


def _partial_link(built):
    lib = str(built["dir"] / "libc-nolibc.o")
    _run(["ld", "-r", "-o", lib, *built["objs"]])
    _run(["objcopy", "--localize-hidden", lib])
    return _symbols(lib)


def test_library_exports_only_libc(built):
    """The per-library partial link keeps the libc names and nothing else."""
    defined, undefined, weak = _partial_link(built)
    for name in ("printf", "memcpy", "malloc", "strtod", "setjmp", "longjmp",
                 "stdout", "stderr", "__errno_location", "__assert_fail", "exit"):
        assert name in defined
    leaked = {s for s in defined if s.startswith(("__nl", "nl_", "kn_"))}
    assert not leaked, leaked
    assert undefined <= REQUIRED_KN, undefined - REQUIRED_KN
    assert not weak  # optional calls are build-time tests, not weak references


def test_scheduler_calls_only_with_a_scheduler(built_sched):
    """With CONFIG_HAVE_SCHED, errno and sleeps go to the scheduler."""
    _defined, undefined, weak = _partial_link(built_sched)
    assert SCHED_KN <= undefined and undefined <= REQUIRED_KN | SCHED_KN
    assert not weak


def test_headers_stand_alone(built):
    """Each header compiles on its own, and a typical program uses them
    with full warnings."""
    include = os.path.join(NOLIBC, "include")
    headers = []
    for d, _, files in os.walk(include):
        headers += [os.path.relpath(os.path.join(d, f), include) for f in files]
    tu = built["dir"] / "headers.c"
    for h in headers:
        tu.write_text(f"#include <{h}>\n#include <{h}>\nint x;\n")
        _run([*built["flags"], "-Wpedantic", "-c", str(tu), "-o", os.devnull])
    app = built["dir"] / "app.c"
    app.write_text(r"""
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
static jmp_buf env;
int main(int argc, char **argv)
{
	struct timespec ts;
	uint64_t big = UINT64_MAX;
	char buf[PATH_MAX];
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, sizeof(buf), "%s %" PRIu64 " %zd", argv[0], big, (ssize_t)argc);
	assert(strlen(buf) > 0);
	if (setjmp(env))
		return errno == ERANGE;
	printf("%d %ld %c\n", INT_MAX, strtol("12", NULL, 0), toupper('a'));
	fprintf(stderr, "%s\n", strerror(ENOSYS));
	if (!strcasecmp(buf, "x"))
		longjmp(env, 1);
	usleep(10);
	exit(EXIT_SUCCESS);
}
""")
    _run([*built["flags"], "-c", str(app), "-o", os.devnull])


def _link_harness(built, name, extra):
    renamed = str(built["dir"] / "nolibc-renamed.o")
    if not os.path.exists(renamed):
        _run(["ld", "-r", "-o", renamed, *built["objs"], built["format"]])
        _run(["objcopy", "--prefix-symbols=nl_", renamed])
        # Teardown entries (KN_FINI) land in one section with a C name, so
        # the harness's kn_exit finds them as __start_/__stop_kn_fini.
        sections = subprocess.run(["objdump", "-h", renamed], capture_output=True,
                                  text=True, check=True).stdout
        for fini in sorted(set(re.findall(r"\.kn_fini\.[\w.]+", sections))):
            _run(["objcopy", f"--rename-section={fini}=kn_fini", renamed])
    exe = str(built["dir"] / name)
    _run(["gcc", "-std=gnu11", "-O1", "-g", "-no-pie", "-fsanitize=undefined",
          "-fno-sanitize-recover=all", "-Wall", "-Wextra", "-Werror",
          "-Wno-format-truncation",
          *extra, HARNESS, renamed, "-o", exe, "-lm"])
    return exe


@pytest.mark.parametrize("variant", ["plain", "with-sched"])
def test_against_glibc(built, built_sched, variant):
    sched = variant == "with-sched"
    exe = _link_harness(built_sched if sched else built, "nolibc_test-" + variant,
                        ["-DWITH_SCHED"] if sched else [])
    res = subprocess.run([exe], capture_output=True, text=True, timeout=60)
    print(res.stdout[-5000:], res.stderr[-3000:])
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-3000:]
    assert re.search(r"checks=\d+ failures=0", res.stdout)
