"""[[fetch]]: external sources from Debian source packages, pinned by
sha256, patched, built once into a cache outside the tree.

Most tests use a fake package whose tarball is put straight into a private
cache's downloads/ folder (kiln uses a present download after checking its
hash), so they need no network. The apt errors use the real archive: two
are answered from the local package lists, one downloads lua5.4's small
source package once."""

import io
import subprocess
import tarfile
from pathlib import Path

import pytest

from conftest import run_kiln, write

FAKE_C = """\
int fake_value(void) { return 41; }
"""
EXTRA_C = """\
#include "fake.h"
int fake_extra(void) { return FAKE_BASE + 1; }
"""
MAKEFILE = """\
libfake.a: fake.c
\tgcc -c -O2 -ffreestanding -fno-stack-protector -fno-pic -fno-pie -mno-red-zone fake.c -o fake.o
\tar rc libfake.a fake.o
"""


def make_tarball(path: Path, files: dict[str, str], top: str = "fake-1.0") -> str:
    """A .tar.gz with one top folder; returns its sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    import hashlib
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private cache holding the fake package's download."""
    root = tmp_path / "cache"
    monkeypatch.setenv("KILN_CACHE", str(root))
    sha = make_tarball(root / "downloads/fake_1.0-1/fake_1.0.orig.tar.gz",
                       {"fake.c": FAKE_C, "Makefile": MAKEFILE,
                        "include/fake.h": "#define FAKE_BASE 0\n"})
    return root, sha


PATCH = """\
--- a/include/fake.h
+++ b/include/fake.h
@@ -1 +1 @@
-#define FAKE_BASE 0
+#define FAKE_BASE 100
"""


def make_app(folder: Path, sha: str, build=('make',), patch: str = PATCH,
             extra_fetch: str = "", sources='["main.c", "extra/extra.c"]') -> Path:
    """An app whose own library `fake` fetches, patches and builds the fake
    package (objects + include), and whose kiln.toml compiles a source
    taken from that tree."""
    write(folder / "lib/fake/patches/0001-base.patch", patch)
    commands = ", ".join(f'"{c}"' for c in build)
    write(folder / "lib/fake/library.toml", f"""
        name = "fake"
        summary = "a fetched library"
        include = ["@fake/include"]
        objects = ["@fake/libfake.a"]

        [[fetch]]
        name = "fake"
        package = "fake"
        version = "1.0-1"
        tarball = "fake_1.0.orig.tar.gz"
        sha256 = "{sha}"
        patches = ["patches/0001-base.patch"]
        build = [{commands}]
    """)
    write(folder / "extra/extra.c", EXTRA_C)
    write(folder / "kiln.toml", f"""
        [app]
        name = "fetchapp"
        sources = {sources}
        include = ["@fake/include"]
        requires = ["libc", "fake"]
        [[fetch]]
        name = "fake-extra"
        package = "fake"
        version = "1.0-1"
        tarball = "fake_1.0.orig.tar.gz"
        sha256 = "{sha}"
        {extra_fetch}
    """)
    write(folder / "main.c", """
        #include <stdio.h>
        int fake_value(void);
        int fake_extra(void);
        int main(void)
        {
            printf("fake %d extra %d\\n", fake_value(), fake_extra());
            return 0;
        }
    """)
    return folder


def kiln(folder: Path, *args, env=None):
    return run_kiln(*args, cwd=folder, env=env)


def one_error_line(proc) -> str:
    lines = [l for l in proc.stderr.splitlines() if l.startswith("kiln: error:")]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_fetch_patch_build_link_and_run(tmp_path, cache):
    root, sha = cache
    counter = tmp_path / "builds.txt"
    app = make_app(tmp_path / "app", sha, build=("make", f"echo built >> {counter}"),
                   extra_fetch='patches = ["extra.patch"]',
                   sources='["main.c", "@fake-extra/extra.c"]')
    write(app / "extra.patch", """\
        --- /dev/null
        +++ b/extra.c
        @@ -0,0 +1,2 @@
        +#include "fake.h"
        +int fake_extra(void) { return FAKE_BASE + 1; }
    """)
    proc = kiln(app, "build", "--plat", "linuxu")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    trees = sorted((root / "src").iterdir())
    assert [t.name.split("-")[0] for t in trees] == ["fake", "fake"]
    assert all((t / ".kiln-done").is_file() for t in trees)
    assert counter.read_text() == "built\n"
    run = kiln(app, "run", "--plat", "linuxu")
    assert run.returncode == 0, run.stderr
    assert "fake 41 extra 101" in run.stdout  # the patch made FAKE_BASE 100

    again = kiln(app, "build", "--plat", "linuxu")
    assert "nothing to do" in again.stdout
    assert "kiln: fetch " not in again.stdout
    # a clean build reuses the cache: the build commands do not run again
    where = kiln(app, "fetch", "--plat", "linuxu")
    assert where.returncode == 0 and str(root / "src") in where.stdout, where.stderr
    assert kiln(app, "clean", "--all").returncode == 0
    rebuilt = kiln(app, "build", "--plat", "linuxu")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert counter.read_text() == "built\n"
    assert (root / "downloads/fake_1.0-1/fake_1.0.orig.tar.gz").is_file()

    # a changed patch is a new tree, built once
    patch = app / "lib/fake/patches/0001-base.patch"
    patch.write_text(PATCH.replace("100", "200"))
    changed = kiln(app, "build", "--plat", "linuxu")
    assert changed.returncode == 0, changed.stderr
    assert counter.read_text() == "built\nbuilt\n"
    assert "fake 41 extra 201" in kiln(app, "run", "--plat", "linuxu").stdout


def test_sha256_mismatch(tmp_path, cache):
    app = make_app(tmp_path / "app", "0" * 64)
    proc = kiln(app, "build", "--plat", "linuxu")
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "sha256 mismatch" in line and "expected " + "0" * 64 in line
    assert f"got {cache[1]}" in line and "the pin or the download is wrong" in line


def test_patch_that_does_not_apply(tmp_path, cache):
    root, sha = cache
    app = make_app(tmp_path / "app", sha, patch=PATCH.replace("FAKE_BASE 0", "NOPE 0"))
    proc = kiln(app, "build", "--plat", "linuxu")
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "patch 0001-base.patch does not apply" in line
    assert not list((root / "src").iterdir())  # no half-made tree is left


def test_failing_build_command_leaves_no_tree(tmp_path, cache):
    root, sha = cache
    app = make_app(tmp_path / "app", sha, build=("echo compiling; echo broken >&2; exit 3",))
    proc = kiln(app, "build", "--plat", "linuxu")
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "fetch fake: build command failed (exit 3): echo compiling" in line
    assert "broken" in proc.stderr  # the command's last lines are shown
    assert not list((root / "src").iterdir())


def test_long_build_commands_report_progress_on_stderr(tmp_path, cache):
    """One line per step, and "still running" lines while a command runs
    (here every 0.1 s, for a command that takes a second)."""
    app = make_app(tmp_path / "app", cache[1], build=("make && sleep 1",))
    proc = kiln(app, "build", "--plat", "linuxu", env={"KILN_PROGRESS_INTERVAL": "0.1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for step in ("kiln: fetch fake: unpacking fake_1.0.orig.tar.gz",
                 "kiln: fetch fake: applying 1 patch(es)",
                 "kiln: fetch fake: running make && sleep 1",
                 "kiln: fetch fake: prepared "):
        assert step in proc.stderr, step
    still = [l for l in proc.stderr.splitlines() if "kiln: fetch fake: still running (" in l]
    assert still and still[-1].endswith(", 1 file compiled)"), proc.stderr  # make's gcc -c
    assert "kiln: fetch" not in proc.stdout


def test_undeclared_fetch_reference(tmp_path, cache):
    app = make_app(tmp_path / "app", cache[1], sources='["main.c", "@nope/extra.c"]')
    proc = kiln(app, "build", "--plat", "linuxu")
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "'@nope/extra.c' refers to fetch 'nope', which no [[fetch]]" in line


@pytest.mark.parametrize("change,message", [
    ('sha256 = "abc"', "sha256 must be 64 hex digits"),
    ('patches = ["missing.patch"]', "patch 'missing.patch' does not exist"),
    ('mirror = "x"', "unknown key 'mirror' in [fetch]"),
    ('tarball = "../x.tar.gz"', "tarball is a file name"),
])
def test_bad_fetch_entries(tmp_path, cache, change, message):
    app = make_app(tmp_path / "app", cache[1])
    key = change.split(" = ")[0]
    text = (app / "kiln.toml").read_text()
    lines = [l for l in text.splitlines() if not l.strip().startswith(f"{key} =")]
    lines.append("        " + change)
    (app / "kiln.toml").write_text("\n".join(lines) + "\n")
    proc = kiln(app, "build", "--plat", "linuxu")
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert message in line and "kiln.toml:" in line


def test_missing_required_key(tmp_path, cache):
    app = make_app(tmp_path / "app", cache[1])
    text = (app / "kiln.toml").read_text()
    (app / "kiln.toml").write_text("\n".join(
        l for l in text.splitlines() if "sha256" not in l or "fake-extra" in l) + "\n")
    # the app's own entry lost nothing; break the library's instead
    lib = app / "lib/fake/library.toml"
    lib.write_text("\n".join(l for l in lib.read_text().splitlines()
                             if not l.strip().startswith("sha256")) + "\n")
    proc = kiln(app, "build", "--plat", "linuxu")
    assert proc.returncode == 2
    assert "[fetch] needs 'sha256'" in one_error_line(proc)


PREPARE = """
import sys
from pathlib import Path
from kiln import fetch
f = fetch.Fetch("fake", "fake", "1.0-1", "fake_1.0.orig.tar.gz", sys.argv[1], [],
                ["sleep 1", "echo built >> " + sys.argv[2]], "test", "test")
print(fetch.prepare_one(f))
"""


def test_concurrent_builds_fetch_once(tmp_path, cache):
    """Two builds needing the same tree at once: one makes it, the other
    waits for the lock and uses it."""
    import sys
    counter = tmp_path / "builds.txt"
    procs = [subprocess.Popen([sys.executable, "-c", PREPARE, cache[1], str(counter)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    trees = {out.strip().splitlines()[-1] for out, _ in outs}
    assert len(trees) == 1
    assert counter.read_text() == "built\n"


# -- the real Debian archive --------------------------------------------------

def apt_fetch_app(folder: Path, package: str, version: str, tarball: str, sha: str) -> Path:
    write(folder / "kiln.toml", f"""
        [app]
        name = "aptapp"
        sources = ["main.c"]

        [[fetch]]
        name = "src"
        package = "{package}"
        version = "{version}"
        tarball = "{tarball}"
        sha256 = "{sha}"
    """)
    write(folder / "main.c", "int main(void) { return 0; }\n")
    return folder


def test_package_not_in_archive(tmp_path, cache):
    app = apt_fetch_app(tmp_path / "app", "kiln-no-such-package", "1.0-1", "x.tar.gz", "0" * 64)
    proc = kiln(app, "build", "--plat", "linuxu")
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "source package 'kiln-no-such-package' is not in the Debian archive" in line
    assert "deb-src" in line and "tools/setup.sh" in line


def test_version_not_in_archive(tmp_path, cache):
    app = apt_fetch_app(tmp_path / "app", "lua5.4", "9.9-9", "x.tar.gz", "0" * 64)
    proc = kiln(app, "build", "--plat", "linuxu")
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "version 9.9-9 of source package 'lua5.4' is not in the Debian archive" in line
    assert "available: " in line


def lua_version() -> str | None:
    out = subprocess.run(["apt-cache", "showsrc", "lua5.4"], capture_output=True,
                         text=True).stdout
    versions = [l.split()[1] for l in out.splitlines() if l.startswith("Version: ")]
    return versions[0] if versions else None


def test_tarball_not_in_source_package(tmp_path, cache):
    version = lua_version()
    if version is None:
        pytest.skip("lua5.4's source package is not in the apt lists (deb-src off?)")
    app = apt_fetch_app(tmp_path / "app", "lua5.4", version, "lua_9.tar.gz", "0" * 64)
    proc = kiln(app, "build", "--plat", "linuxu")
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "has no file 'lua_9.tar.gz'" in line and "lua5.4_5.4" in line
    assert not (cache[0] / "downloads" / f"lua5.4_{version}" / "lua_9.tar.gz").exists()


def lua_orig(version: str) -> tuple[str, str] | None:
    """(tarball, sha256) of lua5.4's upstream tarball in the apt lists."""
    out = subprocess.run(["apt-cache", "showsrc", "lua5.4"], capture_output=True,
                         text=True).stdout
    for record in out.split("\n\n"):
        if f"\nVersion: {version}\n" not in "\n" + record + "\n":
            continue
        section = record.split("Checksums-Sha256:", 1)[-1]
        for line in section.splitlines()[1:]:
            parts = line.split()
            if len(parts) != 3:
                break
            if parts[2].endswith(".orig.tar.gz"):
                return parts[2], parts[0]
    return None


def test_real_package_is_fetched_verified_and_unpacked(tmp_path, cache):
    version = lua_version()
    orig = lua_orig(version) if version else None
    if orig is None:
        pytest.skip("lua5.4's source package is not in the apt lists (deb-src off?)")
    tarball, sha = orig
    app = apt_fetch_app(tmp_path / "app", "lua5.4", version, tarball, sha)
    proc = kiln(app, "fetch", "--plat", "linuxu")
    assert proc.returncode == 0, proc.stderr
    tree = Path(proc.stdout.strip().splitlines()[-1].split("\t")[-1])
    assert (tree / "src/lua.c").is_file() and (tree / "Makefile").is_file()  # top dir stripped
    kept = cache[0] / "downloads" / f"lua5.4_{version}" / tarball
    assert kept.is_file() and sorted(p.name for p in kept.parent.iterdir()) == [tarball]
    again = kiln(app, "fetch", "--plat", "linuxu")
    assert again.stdout == proc.stdout.splitlines()[-1] + "\n"  # no download, no work
