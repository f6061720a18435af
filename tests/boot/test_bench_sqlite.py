"""bench/sqlite_inserts.py's Linux side: the app's fetched SQLite
(sqlite3.c with the flags of its configured Makefile and the app's OPTS)
and apps/sqlite-bench/bench.c, built statically with Debian's musl-gcc, must
carry the app's compile options and do the 60,000 inserts on the host. The
compile takes ~25 s; the fetched tree is the one the SQLite app tests use
(built by kiln on first use)."""

import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))


def test_musl_gcc_build_of_sqlite_bench_runs_natively(tmp_path, monkeypatch):
    if not (ROOT / "lib/libc/musl/library.toml").is_file():
        pytest.skip("libc-musl (lib/libc/musl) is not in the tree: SQLite builds against musl")
    if shutil.which("musl-gcc") is None:
        pytest.skip("musl-gcc is not installed (bash tools/setup.sh installs musl-tools)")
    import places
    import sqlite_inserts
    # The app copy `kiln fetch` runs in goes under tmp_path, not ~/.cache/kiln-bench.
    monkeypatch.setattr(places, "CACHE", tmp_path / "bench-cache")

    exe, info = sqlite_inserts.build_native(tmp_path / "native")
    flags = info["sqlite3_c_flags"]
    for option in ("-O2", "-DSQLITE_THREADSAFE=0", "-DSQLITE_OMIT_LOAD_EXTENSION=1",
                   "-DSQLITE_TEMP_STORE=3", "-DSQLITE_DEFAULT_MEMSTATUS=0",
                   "-D_HAVE_SQLITE_CONFIG_H"):
        assert option in flags, flags
    assert not any("$" in f for f in flags), flags   # every Makefile variable expanded

    proc = subprocess.run([str(exe), ":memory:"], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.fullmatch(rb"inserts=60000 seconds=\d+\.\d{6}\n", proc.stdout), proc.stdout
    assert sqlite_inserts.parse_result(proc.stdout) > 0
    # Static: it also runs in the Linux VM's bare busybox initramfs.
    headers = subprocess.run(["readelf", "-lW", str(exe)], capture_output=True).stdout
    assert b"LOAD" in headers and b"INTERP" not in headers, headers
