"""Adding an allocator is one new folder: a copy of the Kiln tree gets
lib/alloc/copy/ (tlsf's code under a new name) and nothing else, and the
catalog lists it, helloworld builds and boots with it on kvm and linuxu,
and the alloc host tests run it: no list anywhere to edit."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, run_kiln, write

from .conftest import APP_DIRS, boot

pytestmark = pytest.mark.boot


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """KILN_HOME: this tree's lib/ and plat/, plus lib/alloc/copy/."""
    home = tmp_path_factory.mktemp("kiln-home")
    for part in ("lib", "plat"):
        shutil.copytree(ROOT / part, home / part,
                        ignore=shutil.ignore_patterns("__pycache__", "build", ".kiln"))
    new = home / "lib/alloc/copy"
    new.mkdir()
    shutil.copy(ROOT / "lib/alloc/tlsf/tlsf.c", new / "tlsf.c")
    write(new / "library.toml", """
        name = "alloc-copy"
        summary = "TLSF again, under another name"
        provides = ["alloc"]
        requires = ["plat", "boot", "console"]
        sources = ["tlsf.c"]
    """)
    return home


def test_catalog_lists_it(tree):
    proc = run_kiln("lib", "list", env={"KILN_HOME": str(tree)})
    assert proc.returncode == 0, proc.stderr
    assert "alloc-copy" in proc.stdout
    show = run_kiln("lib", "show", "alloc-copy", env={"KILN_HOME": str(tree)}).stdout
    assert "shared:    ../calloc.c, ../heap.c (from the API)" in show


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("linuxu", None)])
def test_helloworld_boots_with_it(tree, tmp_path, platform, machine, monkeypatch):
    monkeypatch.setenv("KILN_HOME", str(tree))
    app = tmp_path / "helloworld"
    shutil.copytree(APP_DIRS["helloworld"], app, ignore=shutil.ignore_patterns("build", ".kiln"))
    built = run_kiln("build", "--plat", platform, "--use", "alloc=copy", cwd=app)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "alloc-copy" in built.stderr  # the build's progress: on stderr
    proc = boot(app, platform, machine, "-a", "hi")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[:2] == ["Hello, world!", "arg 1: hi"]


def test_host_tests_run_it(tree):
    """The alloc driver (loaded from the copy) parametrizes over the copy's
    catalog: every alloc check runs for alloc-copy too."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA",
         "tests/host/test_host.py", "-k", "alloc and copy"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "KILN_HOME": str(tree)})
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    passed = [line for line in proc.stdout.splitlines() if line.startswith("PASSED")]
    for check in ("random_stress", "scenario", "misuse_panics", "builds_freestanding",
                  "library_manifest"):
        assert any(f"test_alloc__{check}[" in line and "copy" in line for line in passed), check
    # stress, scenarios, misuse, freestanding build, manifest
    assert len(passed) == 2 + 6 + 3 + 1 + 1, proc.stdout[-4000:]
