"""Shared fixtures: a fake Kiln tree for resolution tests, and a way to run
the `kiln` command as a user would."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The suite tests this checkout's kiln, whatever checkout the installed
# (editable) package points at: in-process imports and `python -m kiln`
# subprocesses both look in ROOT/src first.
SRC = str(ROOT / "src")
sys.path.insert(0, SRC)
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def run_kiln(*args, cwd=None, env=None, timeout=600):
    """Runs `python -m kiln` in a subprocess; returns CompletedProcess."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "kiln", *map(str, args)], cwd=cwd,
                          env=full_env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def fake_tree(tmp_path, monkeypatch):
    """A Kiln tree with a platform, boot, console and an API with two
    implementations; tests add libraries to it."""
    root = tmp_path / "kiln"
    write(root / "plat/p/library.toml", """
        name = "plat-p"
        summary = "test platform"
        kind = "platform"
        platform = "kvm"
        launcher = "qemu"
        provides = ["plat", "time"]
        requires = ["console"]
    """)
    write(root / "lib/boot/library.toml", """
        name = "boot"
        summary = "boot"
        provides = ["boot"]
        requires = ["plat", "console", "time"]
    """)
    write(root / "lib/console/library.toml", """
        name = "console"
        summary = "console"
        provides = ["console"]
    """)
    write(root / "lib/alloc/api.toml", """
        name = "alloc"
        summary = "allocators"
        default = "alloc-one"
    """)
    for impl in ("one", "two"):
        write(root / f"lib/alloc/{impl}/library.toml", f"""
            name = "alloc-{impl}"
            summary = "allocator {impl}"
            provides = ["alloc"]
            requires = ["plat"]
        """)
    monkeypatch.setenv("KILN_HOME", str(root))
    return root


@pytest.fixture
def app(tmp_path):
    """An app folder with main.c; the test writes kiln.toml."""
    folder = tmp_path / "app"
    write(folder / "main.c", "int main(void) { return 0; }\n")
    return folder


@pytest.fixture
def fake_built_app(tmp_path):
    """An app with a (fake) linuxu image: enough for `kiln run --dry-run`."""
    app = tmp_path / "app"
    write(app / "kiln.toml", '[app]\nname = "fake"\n\n[run]\nargs = ["a b"]\n')
    write(app / "main.c", "int main(void) { return 0; }\n")
    write(app / "build/linuxu/fake", "not really an image\n")
    mark_built(app, "linuxu")
    return app


def mark_built(app: Path, platform: str) -> None:
    """Records app's fake image as a build would, up to date with main.c
    (not kiln.toml, which tests edit for its [run] table)."""
    from kiln import freshness
    freshness.record(app / "build" / platform, [app / "main.c"],
                     [app / "build" / platform / "fake"], time.time_ns())
