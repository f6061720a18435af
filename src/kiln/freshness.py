"""Is the built image still what the app's files say? Decided cheaply, for
`kiln run` and `kiln size`, which build first when it is not.

Every successful build writes build/<platform>/kiln.inputs: each file the
image was made from (sources and the headers ninja saw them include,
kiln.toml, the saved settings, Kconfig and library.toml files, patches, the
rootfs folder, kiln itself) with its modification time, and each file the
build made and needs (image, .dbg, map, configuration). The image is out of
date when a time differs, an input appears or goes, or an output is missing.
Checking is a few hundred stat() calls; only a stale image costs importing
the build (kiln.autobuild does that, so this module stays below build.py,
which writes the record).

On the `kiln run` path: imports nothing heavy (see kiln.runner)."""

import os
from pathlib import Path

RECORD = "kiln.inputs"  # no app name has a dot: never the image's name
# Names the kiln that built: another checkout or install of kiln builds
# from its own library tree, so its images are not this one's.
_HEADER = (f"# kiln.inputs 1 by {Path(__file__).resolve().parent}: "
           f"<mtime_ns | - (absent) | ? (changed during the build) | out>\t<path>")


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def record(build: Path, inputs, outputs, since_ns: int) -> None:
    """Writes the record of a build that started reading its inputs at
    since_ns: an input modified after that may not be in the image."""
    lines = [_HEADER]
    for path in sorted(set(map(str, inputs))):
        mtime = _mtime(path)
        mark = "-" if mtime is None else ("?" if mtime > since_ns else str(mtime))
        lines.append(f"{mark}\t{path}")
    # After the inputs: a changed input is the better reason to give.
    lines += [f"out\t{path}" for path in sorted(set(map(str, outputs)))]
    target = build / RECORD
    tmp = target.with_name(f"{RECORD}.{os.getpid()}")
    tmp.write_text("\n".join(lines) + "\n")
    os.replace(tmp, target)


def out_of_date(build: Path, app_dir: Path) -> str | None:
    """None when the image is up to date, else why not, in a few words."""
    try:
        text = (build / RECORD).read_text()
    except OSError:
        return "it has not been built" if not build.is_dir() else "no record of its build"
    lines = text.split("\n")
    if lines[0] != _HEADER:
        return "its build record is from another kiln"
    for line in lines[1:]:
        if not line:
            continue
        mark, _, path = line.partition("\t")
        mtime = _mtime(path)
        if mark == "out":
            if mtime is None:
                return f"{_short(path, app_dir)} is missing"
        elif mark == "-":
            if mtime is not None:
                return f"{_short(path, app_dir)} appeared"
        elif mtime is None:
            return f"{_short(path, app_dir)} is gone"
        elif mark != str(mtime):
            return f"{_short(path, app_dir)} changed"
    return None


def _short(path: str, app_dir: Path) -> str:
    base = str(app_dir) + os.sep
    return path[len(base):] if path.startswith(base) else path
