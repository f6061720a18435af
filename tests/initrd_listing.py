"""What the initrd test programs print for an unpacked tree (the host
harness lib/vfs/initrd/tests/unpack_main.c and the boot app
tests/apps/initrd), computed from the folder the archive was made of."""

import os


def fnv1a(data: bytes) -> str:
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return f"{h:08x}"


def expected_listing(root) -> list[str]:
    """One line per entry below root, sorted."""
    lines = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = "/" + os.path.relpath(path, root)
            st = os.lstat(path)
            if os.path.islink(path):
                lines.append(f"symlink {rel} -> {os.readlink(path)}")
            elif os.path.isdir(path):
                lines.append(f"dir {rel} {st.st_mode & 0o7777:o}")
            else:
                data = open(path, "rb").read()
                lines.append(f"file {rel} {st.st_mode & 0o7777:o} {len(data)} {fnv1a(data)} "
                             f"nlink {st.st_nlink}")
    return sorted(lines)
