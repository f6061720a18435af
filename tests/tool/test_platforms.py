"""Platforms as whole units: each is one folder under plat/ whose manifest
names the platform and its launcher; every list of platforms (catalog,
--platform, kiln.toml's [run] platform, `kiln clean`, `kiln run`) is read
from there, and the shared x86-64 code is a library the platforms require."""

import subprocess
import sys
from importlib import import_module

import pytest

from conftest import ROOT, run_kiln, write
from kiln import catalog, platforms
from kiln.errors import KilnError
from kiln.manifest import load_app
from kiln.run.options import PLATFORM, parse_run


def toy_manifest(tree) -> str:
    """The fake tree's platform, renamed: a third platform "toy" that
    runs its images with the linuxu launcher."""
    text = (tree / "plat/p/library.toml").read_text()
    for old, new in (('"plat-p"', '"plat-toy"'), ('platform = "kvm"', 'platform = "toy"'),
                     ('launcher = "qemu"', 'launcher = "linuxu"')):
        assert old in text
        text = text.replace(old, new)
    return text


def add_toy(tree, text=None, folder="plat/toy"):
    return write(tree / folder / "library.toml", text or toy_manifest(tree))


def test_a_new_platform_is_one_folder(fake_tree, app, tmp_path):
    add_toy(fake_tree)
    assert platforms.launchers() == {"kvm": "qemu", "toy": "linuxu"}
    assert catalog.discover().platform("toy").launcher == "linuxu"
    assert PLATFORM.choices == ("kvm", "toy")
    assert parse_run(["run", "--plat", "toy"])["platform"] == "toy"
    assert parse_run(["run", "--plat", "linuxu"]) is None  # not in this tree: click refuses it
    # What boot tests and benchmarks cover: each QEMU machine, one process.
    assert platforms.targets() == [("kvm", "microvm"), ("kvm", "pc"), ("toy", None)]
    write(app / "kiln.toml", '[app]\nname = "a"\n[run]\nplatform = "toy"\n')
    assert load_app(app).run.platform == "toy"
    env = {"KILN_HOME": str(fake_tree), "KILN_CACHE": str(tmp_path / "cache")}
    help_text = run_kiln("run", "--help", cwd=tmp_path, env=env).stdout
    assert "--platform [kvm|toy]" in help_text


def test_unknown_platform_lists_the_trees_platforms(fake_tree, app):
    add_toy(fake_tree)
    write(app / "kiln.toml", '[app]\nname = "a"\n[run]\nplatform = "xen"\n')
    with pytest.raises(KilnError, match=r"kiln.toml:4: unknown platform 'xen'; "
                                        r"choose one of: kvm, toy$"):
        load_app(app)
    with pytest.raises(KilnError, match="unknown platform 'xen'; choose one of: kvm, toy$"):
        catalog.discover().platform("xen")
    with pytest.raises(KilnError, match="unknown platform 'xen'; choose one of: kvm, toy$"):
        platforms.launcher("xen")


@pytest.mark.parametrize("line, fragment", [
    ("", r'library.toml:4: a platform needs launcher = "<module of kiln.run>"'),
    ('launcher = "vmm"\n', r"library.toml:8: launcher 'vmm': there is no "
                           r"src/kiln/run/vmm.py; name the kiln.run module that starts "
                           r"this platform's images, or add it"),
])
def test_a_platform_without_a_usable_launcher_is_refused(fake_tree, line, fragment):
    add_toy(fake_tree, toy_manifest(fake_tree).replace('launcher = "linuxu"\n', "") + line)
    for read in (catalog.discover, platforms.names):
        with pytest.raises(KilnError, match=fragment):
            read()


def test_launcher_belongs_to_platforms_only(fake_tree):
    write(fake_tree / "lib/odd/library.toml", 'name = "odd"\nsummary = "x"\nlauncher = "qemu"\n')
    with pytest.raises(KilnError, match=r"odd/library.toml:3: only a platform .* has a "
                                        r"launcher; remove it"):
        catalog.discover()


def test_a_platform_outside_plat_is_refused(fake_tree):
    """kiln run reads plat/*/library.toml only, so the catalog may hold no
    other platform."""
    add_toy(fake_tree, folder="lib/toy")
    with pytest.raises(KilnError, match=r"lib/toy/library.toml: a platform lives in "
                                        r"plat/<folder>/ .*; move it there"):
        catalog.discover()


def test_every_platform_names_a_working_launcher():
    cat = catalog.discover(root=ROOT)
    plats = {lib.platform: lib.launcher for lib in cat.libraries.values()
             if lib.kind == "platform"}
    assert plats == platforms.launchers(ROOT) and plats
    for launcher in plats.values():
        module = import_module(f"kiln.run.{launcher}")
        for function in ("check", "dry_run", "launch", "guest_status"):
            assert callable(getattr(module, function)), (launcher, function)


def test_platforms_require_the_arch_library_instead_of_reaching_into_it():
    cat = catalog.discover(root=ROOT)
    arch = cat.libraries["arch-x86-64"]
    assert arch.kind == "library" and (arch.dir / "include/kn/arch.h").is_file()
    time_ktest = ROOT / "lib/time/ktest.c"
    for lib in cat.libraries.values():
        if lib.kind != "platform":
            continue
        assert "arch-x86-64" in lib.requires
        own = lib.sources + lib.ktest_sources + lib.include
        assert not [p for p in own if p.startswith("..")], lib.name
        # time's ktests come from the time API, which every platform provides.
        assert time_ktest in lib.sources_for(lib.platform, with_ktests=True)
        assert time_ktest not in lib.sources_for(lib.platform, with_ktests=False)


def test_unchanged_platforms_are_read_without_tomllib(tmp_path):
    """`kiln run` reads the platform manifests before every boot: once
    parsed, they are read from kiln's cache."""
    code = "from kiln import platforms; print(platforms.names())"
    env = {"KILN_CACHE": str(tmp_path / "cache"), "KILN_HOME": str(ROOT),
           "PYTHONPATH": str(ROOT / "src")}
    runs = [subprocess.run([sys.executable, "-S", "-X", "importtime", "-c", code], env=env,
                           capture_output=True, text=True) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr
    assert runs[0].stdout == runs[1].stdout and "kvm" in runs[1].stdout
    assert "tomllib" in runs[0].stderr and "tomllib" not in runs[1].stderr
