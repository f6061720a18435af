"""The build folder repairs itself, and `kiln run` / `kiln size` never use an
out-of-date image: real apps built for linuxu (no VM needed)."""

import json
import shutil
import subprocess
import sys

import pytest

from conftest import run_kiln, write
from kiln.rootfs import unpack


@pytest.fixture
def sys_app(tmp_path):
    """A console app with the syscall library (a generated table) and a
    rootfs: every kind of file kiln generates."""
    folder = tmp_path / "sysapp"
    write(folder / "kiln.toml", """
        [app]
        name = "sysapp"
        requires = ["console", "syscall"]
        rootfs = "root"
    """)
    write(folder / "main.c", """
        #include <kn/console.h>
        int main(void) { kn_console_printf("version 1\\n"); return 0; }
    """)
    write(folder / "root/etc/motd", "hello\n")
    return folder


def build(folder, *args):
    proc = run_kiln("build", "--plat", "linuxu", *args, cwd=folder)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


GENERATED = ["sysapp", "sysapp.dbg", "sysapp.map", "initrd.cpio", "include/kn/config.h",
             ".config", "Kconfig", "build.ninja", "kiln.stamp", "kiln.inputs",
             "gen/syscall_table.c", "lib/console.o", "lib/app.o",
             "obj/console/console.c.o"]


def test_every_generated_file_is_made_again(sys_app):
    build(sys_app)
    out = sys_app / "build/linuxu"
    for name in GENERATED:
        assert (out / name).is_file(), name
        (out / name).unlink()
        proc = build(sys_app)
        assert (out / name).is_file(), f"{name} was not made again: {proc.stdout}"
    # and the image works: size finds its map, run its image
    size = run_kiln("size", "--plat", "linuxu", "--json", cwd=sys_app)
    assert size.returncode == 0, size.stderr
    assert json.loads(size.stdout)["image_bytes"] == (out / "sysapp").stat().st_size
    run = run_kiln("run", "--plat", "linuxu", cwd=sys_app)
    assert run.returncode == 0 and run.stdout == "version 1\n", run.stderr
    assert "building" not in run.stderr


def test_deleted_map_is_relinked_not_nothing_to_do(sys_app):
    build(sys_app)
    (sys_app / "build/linuxu/sysapp.map").unlink()
    proc = build(sys_app)
    assert "nothing to do" not in proc.stdout and "LINK sysapp.dbg" in proc.stderr


def test_rootfs_dot_leaves_out_kilns_folders(sys_app):
    manifest = sys_app / "kiln.toml"
    manifest.write_text(manifest.read_text().replace('"root"', '"."'))
    write(sys_app / ".kiln/linuxu.toml", "[config]\nBOOT_MAX_ARGS = 16\n")
    write(sys_app / "build/mine.txt", "kiln's folder, not the image's\n")
    build(sys_app)
    initrd = sys_app / "build/linuxu/initrd.cpio"
    first = initrd.read_bytes()
    names = {e.path for e in unpack(first)}
    assert {"kiln.toml", "main.c", "root", "root/etc/motd"} <= names
    assert not any(n.split("/")[0] in ("build", ".kiln") for n in names), sorted(names)
    # A second build packs the same: build/ did not grow into it.
    (sys_app / "main.c").touch()
    build(sys_app)
    assert initrd.read_bytes() == first


def test_run_rebuilds_an_out_of_date_image_first(sys_app):
    build(sys_app)
    run = run_kiln("run", "--plat", "linuxu", cwd=sys_app)
    assert run.stdout == "version 1\n" and run.stderr == "", run.stderr

    main = sys_app / "main.c"
    main.write_text(main.read_text().replace("version 1", "version 2"))
    dry = run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=sys_app)
    assert dry.returncode == 0 and "is out of date (main.c changed)" in dry.stderr
    run = run_kiln("run", "--plat", "linuxu", cwd=sys_app)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "version 2\n"  # only the guest on stdout
    kiln_lines = [l for l in run.stderr.splitlines() if l.startswith("kiln:")]
    assert kiln_lines == ["kiln: building sysapp for linuxu first (main.c changed)"]
    again = run_kiln("run", "--plat", "linuxu", cwd=sys_app)
    assert again.stdout == "version 2\n" and again.stderr == ""


def test_up_to_date_run_stays_light(sys_app):
    """Deciding that the image is up to date imports nothing of the build
    (under -S, so that site-packages' .pth files load nothing either)."""
    build(sys_app)
    proc = subprocess.run([sys.executable, "-S", "-X", "importtime", "-m", "kiln", "run",
                           "--plat", "linuxu"], cwd=sys_app, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "version 1\n", proc.stderr
    loaded = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
              if line.startswith("import time:")}
    assert "kiln.freshness" in loaded
    assert not loaded & {"kiln.build", "kiln.project", "kiln.catalog"}


def test_run_rebuilds_after_configure_and_rootfs_changes(sys_app):
    build(sys_app)
    assert run_kiln("configure", "--plat", "linuxu", "-s", "BOOT_MAX_ARGS=32",
                    cwd=sys_app).returncode == 0
    run = run_kiln("run", "--plat", "linuxu", cwd=sys_app)
    assert run.returncode == 0, run.stderr
    assert "building sysapp for linuxu first (.kiln/linuxu.toml" in run.stderr
    config_h = sys_app / "build/linuxu/include/kn/config.h"
    assert "CONFIG_BOOT_MAX_ARGS 32" in config_h.read_text()

    write(sys_app / "root/etc/new", "added\n")
    run = run_kiln("run", "--plat", "linuxu", cwd=sys_app)
    assert "building sysapp for linuxu first (root/etc changed)" in run.stderr, run.stderr
    initrd = (sys_app / "build/linuxu/initrd.cpio").read_bytes()
    assert "etc/new" in {e.path for e in unpack(initrd)}


def test_failing_rebuild_fails_the_run(sys_app):
    build(sys_app)
    (sys_app / "main.c").write_text("int main(void) { return nope; }\n")
    run = run_kiln("run", "--plat", "linuxu", cwd=sys_app)
    assert run.returncode == 1 and run.stdout == "", run.stdout
    errors = [l for l in run.stderr.splitlines() if l.startswith("kiln: error:")]
    assert errors == ["kiln: error: build failed (the compiler's messages are above)"]
    assert "nope" in run.stderr and "undeclared" in run.stderr  # gcc's message


def test_size_reports_on_the_current_sources(sys_app):
    build(sys_app)
    before = (sys_app / "build/linuxu/sysapp").stat().st_size
    write(sys_app / "main.c", """
        #include <kn/console.h>
        static const char big[64 * 1024] = "x";
        int main(void) { kn_console_printf("%s\\n", big); return 0; }
    """)
    size = run_kiln("size", "--plat", "linuxu", "--json", cwd=sys_app)
    assert size.returncode == 0, size.stderr
    assert "building sysapp for linuxu first (main.c changed)" in size.stderr
    report = json.loads(size.stdout)
    assert report["image_bytes"] > before + 60000
    assert report["symbols"][0]["symbol"] == "big"


def test_another_kiln_checkout_rebuilds_from_its_own_libraries(sys_app, tmp_path):
    """An image built by one checkout of kiln is stale for another: the
    other's libraries are other files, whatever their times say."""
    from conftest import ROOT
    other = tmp_path / "other-kiln"
    for part in ("src", "lib", "plat"):
        shutil.copytree(ROOT / part, other / part,
                        ignore=shutil.ignore_patterns("build", "__pycache__"))
    build(sys_app)
    env = {"PYTHONPATH": str(other / "src")}
    dry = run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=sys_app, env=env)
    assert "is out of date (its build record is from another kiln)" in dry.stderr, dry.stderr
    again = run_kiln("build", "--plat", "linuxu", cwd=sys_app, env=env)
    assert again.returncode == 0, again.stderr
    assert "nothing to do" not in again.stdout
    assert str(other / "lib") in (sys_app / "build/linuxu/build.ninja").read_text()
