"""Autoport: the kiln-cc compiler wrapper and `kiln env`.

The wrapper tests build real programs against Kiln's musl (the libc-musl
library's fetched tree, prepared once and cached like any build)."""

import os
import subprocess
import sys

import pytest

from conftest import run_kiln, write
from kiln import autoport, cc


def _musl_tree():
    from kiln import catalog, fetch
    lib = catalog.discover().libraries.get("libc-musl")
    if lib is None:
        pytest.skip("lib/libc/musl (libc-musl) is not in the tree")
    entry = next((f for f in getattr(lib, "fetches", []) if f.package == "musl"), None)
    if entry is None:
        pytest.skip("libc-musl declares no [[fetch]] of musl")
    return fetch.prepare_one(entry, {})


@pytest.fixture(scope="module")
def musl_env():
    return autoport.env_for_musl(_musl_tree())


def _make(folder, env, *targets):
    return subprocess.run(["make", "-C", str(folder), *targets],
                          env=dict(os.environ, **env),
                          capture_output=True, text=True)


TINY_MAKEFILE = """\
prog: main.o util.o
\t$(CC) $(LDFLAGS) -o $@ main.o util.o -lm
%.o: %.c
\t$(CC) $(CFLAGS) -c $< -o $@
"""


@pytest.fixture
def tiny_project(tmp_path):
    folder = tmp_path / "tiny"
    write(folder / "Makefile", TINY_MAKEFILE)
    write(folder / "main.c", """
        #include <stdio.h>
        #include <math.h>
        int twice(int x);
        int main(int argc, char **argv) {
            printf("%d %.3f\\n", twice(argc), sqrt((double)argc));
            return 0;
        }
    """)
    write(folder / "util.c", "int twice(int x) { return 2 * x; }\n")
    return folder


def _symbols(obj):
    out = subprocess.run(["nm", str(obj)], capture_output=True, text=True, check=True).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            table[parts[-1]] = parts[-2]
    return table


def test_makefile_project_links_an_executable_and_an_image_object(tiny_project, musl_env):
    proc = _make(tiny_project, musl_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    prog, part = tiny_project / "prog", tiny_project / "prog.kiln.o"
    # The executable configure would see: static, linked with musl.
    info = subprocess.run(["file", str(prog)], capture_output=True, text=True).stdout
    assert "statically linked" in info, info
    assert "printf" in _symbols(prog) and _symbols(prog)["printf"] in "Tt"
    # What the image gets: the program's code, relocatable, without libc.
    header = subprocess.run(["readelf", "-h", str(part)], capture_output=True,
                            text=True).stdout
    assert "REL (Relocatable file)" in header
    syms = _symbols(part)
    assert syms["main"] == "T" and syms["twice"] == "T"
    assert syms["printf"] == "U", "libc must not be inside PROG.kiln.o"


def test_compiles_with_musl_headers_and_kernel_flags(tiny_project, musl_env):
    proc = subprocess.run([musl_env["CC"], "-c", "main.c", "-o", "main.o", "-v"],
                          cwd=tiny_project, env=dict(os.environ, **musl_env),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    cc1 = next(l for l in proc.stderr.splitlines() if " -quiet " in l or "cc1 " in l)
    for flag in ("-mno-red-zone", "-fno-stack-protector", "-fno-pie", "-nostdinc"):
        assert flag in cc1, (flag, cc1)
    assert "/usr/include" not in cc1
    assert musl_env[cc.ENV_INCLUDE].split(":")[0] in proc.stderr


def test_undefined_function_fails_the_link(tmp_path, musl_env):
    write(tmp_path / "bad.c", """
        int no_such_function(void);
        int main(void) { return no_such_function(); }
    """)
    proc = subprocess.run([musl_env["CC"], "bad.c", "-o", "bad"], cwd=tmp_path,
                          env=dict(os.environ, **musl_env),
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "undefined reference to `no_such_function'" in proc.stderr
    assert not (tmp_path / "bad").exists() and not (tmp_path / "bad.kiln.o").exists()


def test_libc_functions_link_and_kernel_calls_are_stubbed(tmp_path, musl_env):
    # fopen and clock_gettime reach musl's syscall shim (kn_sys_*): the
    # configure-time link must succeed all the same.
    write(tmp_path / "ok.c", """
        #include <stdio.h>
        #include <time.h>
        int main(void) {
            struct timespec ts;
            FILE *f = fopen("/x", "r");
            return clock_gettime(CLOCK_MONOTONIC, &ts) + (f != 0);
        }
    """)
    proc = subprocess.run([musl_env["CC"], "-O2", "ok.c", "-o", "ok", "-lpthread", "-lm"],
                          cwd=tmp_path, env=dict(os.environ, **musl_env),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "ok.kiln.o").is_file()


def test_configure_time_programs_run_on_the_host(tmp_path, musl_env):
    # A configure that runs its tests (nginx's sizeof checks) needs the
    # executable to work: musl starts as on Linux and its kernel calls
    # become Linux's system calls; threads (kn_clone) cannot start.
    write(tmp_path / "run.c", """
        #include <errno.h>
        #include <fcntl.h>
        #include <pthread.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <unistd.h>
        static void *body(void *arg) { return arg; }
        int main(int argc, char **argv) {
            char buf[8] = "";
            pthread_t t;
            int fd = open(argv[1], O_RDONLY);
            int n = read(fd, buf, sizeof buf - 1);
            printf("%d %s %d %s %d\\n", argc, buf, n, getenv("KILN_PROBE"),
                   pthread_create(&t, 0, body, 0) != 0);
            return 7;
        }
    """)
    write(tmp_path / "data", "hello")
    env = dict(os.environ, **musl_env)
    proc = subprocess.run([musl_env["CC"], "-O2", "run.c", "-o", "run"], cwd=tmp_path,
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([str(tmp_path / "run"), str(tmp_path / "data")], cwd=tmp_path,
                          env=dict(env, KILN_PROBE="yes"), capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (7, "2 hello 5 yes 1\n"), proc.stderr


def test_partial_link_stays_relocatable(tiny_project, musl_env):
    env = dict(os.environ, **musl_env)
    proc = subprocess.run([musl_env["CC"], "-r", "-o", "both.o", "main.c", "util.c"],
                          cwd=tiny_project, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    syms = _symbols(tiny_project / "both.o")
    assert syms["main"] == "T" and syms["twice"] == "T" and syms["printf"] == "U"


def test_missing_library_and_shared_are_refused(tmp_path, musl_env):
    write(tmp_path / "m.c", "int main(void) { return 0; }\n")
    env = dict(os.environ, **musl_env)
    proc = subprocess.run([musl_env["CC"], "m.c", "-o", "m", "-lnosuchlib"], cwd=tmp_path,
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 1 and "cannot find -lnosuchlib" in proc.stderr
    proc = subprocess.run([musl_env["CC"], "-shared", "m.c", "-o", "m.so"], cwd=tmp_path,
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 1 and "shared libraries are not supported" in proc.stderr


# -- pieces that need no musl -------------------------------------------------


def test_split_link_args():
    inputs, libdirs, output, flags, ldflags = cc._split_link_args(
        ["-O2", "-o", "prog", "a.o", "b.c", "-L", "lib", "-Lother", "-lfoo", "-l", "m",
         "-Wl,-E", "-DX=1", "-I", "inc", "-static", "-pthread", "lib/libz.a"])
    assert output == "prog"
    assert inputs == [("obj", "a.o"), ("src", "b.c"), ("lib", "foo"), ("lib", "m"),
                      ("obj", "lib/libz.a")]
    assert libdirs == ["lib", "other"]
    assert flags == ["-O2", "-DX=1", "-I", "inc"]
    assert ldflags == ["-Wl,-E"]


def test_wrapper_without_environment_says_how_to_run_it(tmp_path, monkeypatch):
    for var in (cc.ENV_INCLUDE, cc.ENV_LIBC, cc.ENV_STUBS):
        monkeypatch.delenv(var, raising=False)
    proc = subprocess.run([sys.executable, "-m", "kiln.cc", "-c", "x.c"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "kiln env" in proc.stderr and "Traceback" not in proc.stderr
    # Questions about the compiler itself need no musl.
    proc = subprocess.run([sys.executable, "-m", "kiln.cc", "-dumpversion"],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip()


def test_stub_archive_defines_the_kernel_calls_libc_makes(tmp_path, monkeypatch):
    monkeypatch.setenv("KILN_CACHE", str(tmp_path / "cache"))
    write(tmp_path / "fake.c", """
        long kn_sys_read(int, void *, unsigned long);
        long kn_private_helper(void) { return 1; }
        long my_read(void *b) { return kn_sys_read(0, b, 1) + kn_private_helper(); }
    """)
    subprocess.run(["gcc", "-c", str(tmp_path / "fake.c"), "-o", str(tmp_path / "fake.o")],
                   check=True)
    subprocess.run(["ar", "rcs", str(tmp_path / "libc.a"), str(tmp_path / "fake.o")],
                   check=True)
    stubs = autoport.stub_archive(tmp_path / "libc.a")
    syms = _symbols(stubs)
    assert syms.get("kn_sys_read") == "T"
    assert "kn_private_helper" not in syms   # defined by libc.a itself
    assert autoport.stub_archive(tmp_path / "libc.a") == stubs  # cached


def test_musl_layout_rejects_an_unbuilt_tree(tmp_path):
    (tmp_path / "include").mkdir()
    with pytest.raises(autoport.AutoportError, match="not a built musl tree"):
        autoport.musl_layout(tmp_path)


def test_kiln_env_needs_musl(tmp_path):
    write(tmp_path / "app/kiln.toml", """
        [app]
        name = "plain"
        requires = ["console"]
    """)
    write(tmp_path / "app/main.c", "int main(void) { return 0; }\n")
    proc = run_kiln("env", "--plat", "linuxu", cwd=tmp_path / "app")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "libc = \"libc-musl\"" in proc.stderr


def test_kiln_env_prints_exports_and_runs_commands(tmp_path, musl_env):
    write(tmp_path / "app/kiln.toml", """
        [app]
        name = "ported"
        requires = ["libc"]
        [choose]
        libc = "libc-musl"
    """)
    write(tmp_path / "app/main.c", "int main(void) { return 0; }\n")
    app = tmp_path / "app"
    proc = run_kiln("env", "--plat", "linuxu", cwd=app)
    assert proc.returncode == 0, proc.stderr
    assert f"export CC={musl_env['CC']}" in proc.stdout
    assert "export KILN_HOST=x86_64-linux-musl" in proc.stdout
    proc = run_kiln("env", "--plat", "linuxu", "--", "sh", "-c", "echo $KILN_HOST; exit 3",
                    cwd=app)
    assert proc.returncode == 3 and proc.stdout.strip() == "x86_64-linux-musl"
