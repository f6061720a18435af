"""Boot tests build real images (once per app, platform and allocator in a
session) and run them with `kiln run`: QEMU TCG for kvm, a process for
linuxu."""

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_kiln  # first: puts this checkout's src/ on sys.path
from kiln import platforms
from kiln.catalog import implementations

# Every allocator in the catalog (KILN_HOME's tree when set): a new one
# boots here as soon as its folder exists.
ALLOCATORS = implementations("alloc")
# (platform, machine) from the platforms' manifests and launchers: kvm
# boots under each QEMU machine, linuxu as a process.
TARGETS = platforms.targets()
APP_DIRS = {"helloworld": ROOT / "apps/helloworld", "threads": ROOT / "apps/threads",
            "crash": ROOT / "tests/apps/crash", "ktest": ROOT / "tests/apps/ktest",
            "runio": ROOT / "tests/apps/runio"}


class Images:
    def __init__(self, base: Path):
        self.base = base
        self.built: dict[tuple, Path] = {}

    def get(self, app: str, platform: str, alloc: str = "tlsf") -> Path:
        key = (app, platform, alloc)
        if key not in self.built:
            folder = self.base / f"{app}-{alloc}"
            if not folder.exists():
                shutil.copytree(APP_DIRS[app], folder,
                                ignore=shutil.ignore_patterns("build", ".kiln"))
            proc = run_kiln("build", "--plat", platform, "--use", f"alloc={alloc}", cwd=folder)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            self.built[key] = folder
        return self.built[key]


@pytest.fixture(scope="session")
def images(tmp_path_factory):
    return Images(tmp_path_factory.mktemp("images"))


def app_builder(tmp_path_factory, source: Path, edit=None):
    """Copies the app folder `source` (then calls edit(copy) when given) and
    returns get(platform), which builds the copy once per platform and
    returns its folder."""
    folder = tmp_path_factory.mktemp(source.name) / source.name
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("build", ".kiln"))
    if edit:
        edit(folder)
    built = set()

    def get(platform: str) -> Path:
        if platform not in built:
            proc = run_kiln("build", "--plat", platform, cwd=folder, timeout=900)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            built.add(platform)
        return folder
    return get


def boot(folder: Path, platform: str, machine: str | None, *args, timeout=60):
    cmd = ["run", "--plat", platform, "--timeout", str(timeout), *args]
    if machine:
        cmd += ["--machine", machine]
    return run_kiln(*cmd, cwd=folder, timeout=timeout + 30)
