"""Initrd images: a folder packed as a cpio archive in the "newc" format
(for the kernel-side initrd library to unpack into ramfs at boot).

The archive is reproducible: entries sorted by path, owner 0, times 0,
inode numbers in order. A folder gives regular files, directories and
symlinks; pack() also writes device nodes, which the benchmarks' Linux
guest needs (/dev/console in its initramfs)."""

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import KilnError

MAGIC = b"070701"
TRAILER = "TRAILER!!!"


@dataclass
class Entry:
    path: str        # relative, without a leading "/"
    mode: int
    data: bytes      # file contents, or the symlink target
    rdev: tuple[int, int] = (0, 0)  # (major, minor) of a device node


def _pad4(n: int) -> bytes:
    return b"\0" * (-n % 4)


def _header(ino: int, mode: int, nlink: int, size: int, name: bytes,
            rdev: tuple[int, int] = (0, 0)) -> bytes:
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, *rdev, len(name) + 1, 0]
    return MAGIC + b"".join(b"%08X" % f for f in fields)


def walk(folder: Path, skip=()):
    """(path, relative name) of everything under folder, sorted, but the
    folders in `skip` (kiln's own build/ and .kiln/, should the rootfs
    contain the app folder) and what is inside them."""
    if not folder.is_dir():
        raise KilnError(f"rootfs folder {folder} does not exist; create it or fix "
                        f"`rootfs` in kiln.toml")
    folder = folder.resolve()
    skip = {Path(p).resolve() for p in skip}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if Path(dirpath, d) not in skip)
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            yield path, path.relative_to(folder).as_posix()


def collect(folder: Path, skip=()) -> list[Entry]:
    entries = []
    for path, rel in walk(folder, skip):
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            entries.append(Entry(rel, stat.S_IFLNK | 0o777, os.readlink(path).encode()))
        elif stat.S_ISDIR(st.st_mode):
            entries.append(Entry(rel, stat.S_IFDIR | stat.S_IMODE(st.st_mode), b""))
        elif stat.S_ISREG(st.st_mode):
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise KilnError(f"cannot read {path} for the rootfs: {exc.strerror}") from None
            entries.append(Entry(rel, stat.S_IFREG | stat.S_IMODE(st.st_mode), data))
        else:
            raise KilnError(f"{path} is neither a file, a folder nor a symlink; "
                            f"remove it from the rootfs folder")
    return sorted(entries, key=lambda e: e.path)


def pack(entries: list[Entry]) -> bytes:
    out = bytearray()
    for ino, e in enumerate(entries, 1):
        name = e.path.encode()
        nlink = 2 if stat.S_ISDIR(e.mode) else 1
        out += _header(ino, e.mode, nlink, len(e.data), name, e.rdev) + name + b"\0"
        out += _pad4(len(out))
        out += e.data + _pad4(len(e.data))
    name = TRAILER.encode()
    out += _header(0, 0, 1, 0, name) + name + b"\0"
    out += _pad4(len(out))
    return bytes(out)


def unpack(blob: bytes) -> list[Entry]:
    """Reads a newc archive (the inverse of pack); errors name the offset."""
    entries, pos = [], 0
    while True:
        if blob[pos:pos + 6] != MAGIC:
            raise KilnError(f"cpio: bad magic at offset {pos}")
        try:
            fields = [int(blob[pos + 6 + 8 * i: pos + 14 + 8 * i], 16) for i in range(13)]
        except ValueError:
            raise KilnError(f"cpio: bad header at offset {pos}") from None
        mode, size, namesize = fields[1], fields[6], fields[11]
        start = pos + 110
        name = blob[start:start + namesize - 1].decode()
        pos = start + namesize
        pos += -pos % 4
        if name == TRAILER:
            return entries
        if pos + size > len(blob):
            raise KilnError(f"cpio: {name} runs past the end of the archive")
        entries.append(Entry(name, mode, blob[pos:pos + size], (fields[9], fields[10])))
        pos += size + (-size % 4)


def build_initrd(folder: Path, out: Path, skip=()) -> Path:
    blob = pack(collect(folder, skip))
    if not out.exists() or out.read_bytes() != blob:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(blob)
    return out
