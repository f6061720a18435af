"""Disks: `kiln run --disk FILE[:ro]` (repeatable) and kiln.toml's
[run] disk = ["FILE", "FILE:ro"]. The guest sees them in order as
/dev/vda, /dev/vdb, ...: virtio-blk on kvm, the host file itself on
linuxu. A trailing ":ro" attaches the disk read-only (docker's -v
spelling), so a file whose own name ends in ":ro" must be renamed. Every
file is checked before the guest starts: a mistake is one line, not a
QEMU failure."""

import os
import stat
from pathlib import Path

from ..errors import KilnError

SECTOR = 512
# The guest's registry holds four (KN_BLKDEV_MAX), as do linuxu's
# hostblk.vda..vdd parameters.
MAX_DISKS = 4
HINT_SIZE = "64M"


class Disk:
    """One disk: an absolute path and whether the guest may write it."""

    def __init__(self, path: Path, read_only: bool):
        self.path, self.read_only = path, read_only

    def __repr__(self):
        return f"Disk({str(self.path)!r}, read_only={self.read_only})"


def parse(text: str, base: Path, origin: str) -> Disk:
    """A checked Disk from FILE or FILE:ro; relative paths are from
    `base` (the current folder for --disk, the app folder for kiln.toml).
    `origin` names where the value came from in messages."""
    path_text, ro = (text[:-3], True) if text.endswith(":ro") else (text, False)
    if not path_text:
        raise KilnError(f"{origin} {text!r}: give a disk image file, e.g. --disk disk.img")
    path = (base / path_text).resolve()
    _check(path, ro, f"{origin} {text}")
    return Disk(path, ro)


def _check(path: Path, read_only: bool, where: str) -> None:
    create = f"`truncate -s {HINT_SIZE} {path}`"
    elsewhere = f"`truncate -s {HINT_SIZE} disk.img`"
    try:
        st = path.stat()
    except FileNotFoundError:
        raise KilnError(f"{where}: no such file; create an empty disk with {create}") from None
    except OSError as e:
        raise KilnError(f"{where}: cannot be read ({e.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise KilnError(f"{where}: is a folder; a disk is an image file (create one with "
                        f"{elsewhere})")
    if not stat.S_ISREG(st.st_mode):
        raise KilnError(f"{where}: is not a regular file; a disk is an image file (create one "
                        f"with {elsewhere})")
    if st.st_size == 0:
        raise KilnError(f"{where}: is empty; give the disk a size with {create}")
    if st.st_size < SECTOR or st.st_size % SECTOR:
        whole = max(SECTOR, -(-st.st_size // SECTOR) * SECTOR)
        raise KilnError(f"{where}: is {st.st_size} bytes, not a whole number of {SECTOR}-byte "
                        f"sectors; grow it with `truncate -s {whole} {path}`")
    if not os.access(path, os.R_OK):
        raise KilnError(f"{where}: cannot be read (permission denied)")
    if not read_only and not os.access(path, os.W_OK):
        raise KilnError(f"{where}: cannot be written (permission denied); attach it "
                        f"read-only with {path}:ro")


def resolve(flag_values, toml_values, app_dir: Path) -> list[Disk]:
    """The run's disks: the --disk values (from the current folder) when
    there are any, else kiln.toml's (from the app folder)."""
    if flag_values:
        values, base, origin = flag_values, Path.cwd(), "--disk"
    else:
        values, base, origin = toml_values, app_dir, "kiln.toml [run] disk"
    if len(values) > MAX_DISKS:
        raise KilnError(f"{origin}: {len(values)} disks given; the guest takes at most "
                        f"{MAX_DISKS} (vda to vd{chr(ord('a') + MAX_DISKS - 1)})")
    disks = [parse(text, base, origin) for text in values]
    seen = set()
    for disk in disks:
        if disk.path in seen:
            raise KilnError(f"{origin} {disk.path}: given twice; one file is one disk")
        seen.add(disk.path)
    return disks


def guest_name(index: int) -> str:
    return "vd" + chr(ord("a") + index)
