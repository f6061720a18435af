"""`kiln clean`: remove build output, optionally the saved settings."""

import shutil
from pathlib import Path

from . import platforms, state
from .paths import build_dir
from .writable import require_writable


def clean(app_dir: Path, platform: str | None, forget_settings: bool) -> list[str]:
    done = []
    for plat in [platform] if platform else list(platforms.names()):
        folder = build_dir(app_dir, plat)
        if folder.exists():
            require_writable(folder, "remove what it holds")
            shutil.rmtree(folder)
            done.append(f"removed {folder}")
        if forget_settings and state.reset(app_dir, plat):
            done.append(f"forgot the {plat} settings")
    build_root = app_dir / "build"
    if build_root.is_dir():
        left = list(build_root.iterdir())
        # Only kept manifest parses (tomlfile) left: nothing was built.
        if all(p.name.endswith(".marshal") and p.is_file() for p in left):
            for p in left:
                p.unlink()
            build_root.rmdir()
    return done or ["nothing to clean"]
