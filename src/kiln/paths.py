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


def build_dir(app_dir: Path, platform: str) -> Path:
    return app_dir / "build" / platform


def state_dir(app_dir: Path) -> Path:
    """Per-app settings the user chose with `kiln configure` / menuconfig."""
    return app_dir / ".kiln"
