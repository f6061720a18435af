"""Where things live: the Kiln tree (libraries, platforms) and an app's
build and configuration folders."""

import os
from pathlib import Path


def kiln_root() -> Path:
    """The folder holding lib/ and plat/ (KILN_HOME overrides it)."""
    env = os.environ.get("KILN_HOME")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def cache_root() -> Path:
    """Kiln's cache, shared by every app: fetched sources, built musl,
    parsed manifests. $KILN_CACHE, else $XDG_CACHE_HOME/kiln or ~/.cache/kiln."""
    if os.environ.get("KILN_CACHE"):
        return Path(os.environ["KILN_CACHE"]).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return (base / "kiln").resolve()


# What kiln writes in build/<platform>/ besides dotted files: the image,
# named after the app, must not collide with one of them.
BUILD_ENTRIES = ("Kconfig", "gen", "include", "lib", "obj")
# Longest app name: the image's files (<name>.dbg, <name>.map, ...) must
# fit a file name's 255 bytes, and ninja's lines stay readable.
MAX_APP_NAME = 64


def build_dir(app_dir: Path, platform: str) -> Path:
    return app_dir / "build" / platform


def state_dir(app_dir: Path) -> Path:
    """Per-app settings the user chose with `kiln configure` / menuconfig."""
    return app_dir / ".kiln"


def own_dirs(app_dir: Path) -> tuple[Path, Path]:
    """Kiln's own folders in an app (build output, saved settings): never
    part of an image, even with rootfs = "."."""
    return app_dir / "build", state_dir(app_dir)
