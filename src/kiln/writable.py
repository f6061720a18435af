"""Telling a folder kiln may not write to (a read-only mount, a folder
owned by someone else) before a command half-writes into it, and saying
so in one line when a write fails anyway."""

import errno
import os
from pathlib import Path

from .errors import KilnError

# Errors that mean "this place cannot be written", not "kiln has a bug".
UNWRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM)


def _existing(folder: Path) -> Path:
    """`folder` or its closest existing parent: where a write would land."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate
    return folder


def _why(folder: Path) -> str:
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "is on a read-only file system"
    except OSError:
        pass
    return "is not writable (permission denied)"


def require_writable(folder: Path, doing: str) -> None:
    """Raises the one-line error when kiln cannot write into `folder` (or,
    when it does not exist yet, create it)."""
    target = _existing(folder)
    # os.access asks the kernel, so a read-only mount counts even for root.
    if not os.access(target, os.W_OK | os.X_OK):
        raise KilnError(f"{target} {_why(target)}, so kiln cannot {doing}; copy the app "
                        f"to a writable folder (or make this one writable) and try again")


def unwritable_error(exc: OSError) -> KilnError | None:
    """The one-line error for a file kiln may not write (or read); None for
    any other OSError."""
    if exc.errno not in UNWRITABLE or not exc.filename:
        return None
    if exc.errno == errno.EROFS:
        fix = "copy the app to a writable folder and try again"
    else:
        fix = "fix its permissions (or copy the app to a folder you own) and try again"
    return KilnError(f"{exc.filename}: {exc.strerror}; {fix}")
