"""Host checks of vfs-initrd ([host-test.parse] and [host-test.unpack] in
../library.toml): the newc reader alone, and the unpacker writing into
vfs-core + ramfs compiled for the host, both under ASan and UBSan. Valid
archives come from kiln's rootfs writer and from GNU cpio; corrupt ones are
cut and patched here, and every rejection must name the right byte offset.
Collected by tests/host/test_host.py."""

import os
import re
import shutil
import subprocess

import pytest

from hostc import host_for, undefined_symbols
from initrd_listing import expected_listing, fnv1a
from kiln.rootfs import build_initrd

HOST = host_for(__file__)


@pytest.fixture(scope="module")
def parse_bin():
    return HOST.program("parse")


@pytest.fixture(scope="module")
def unpack_bin():
    return HOST.program("unpack")


# --- archives ---------------------------------------------------------------

def header(name: bytes, mode: int, size: int, *, ino=1, nlink=1, namesize=None,
           magic=b"070701", check=0) -> bytes:
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0,
              len(name) + 1 if namesize is None else namesize, check]
    return magic + b"".join(b"%08X" % f for f in fields)


def entry(name: str, mode: int, data: bytes = b"", **kw) -> bytes:
    raw = name.encode()
    out = header(raw, mode, len(data), **kw) + raw + b"\0"
    out += b"\0" * (-len(out) % 4)
    return out + data + b"\0" * (-len(data) % 4)


TRAILER = entry("TRAILER!!!", 0, ino=0)
DIR, FILE, LINK, FIFO = 0o40755, 0o100644, 0o120777, 0o10644


def make_tree(root):
    """Nested folders, an empty folder, an empty file, binary data, modes
    and symlinks: what a rootfs folder holds."""
    (root / "etc/deep/er").mkdir(parents=True)
    (root / "emptydir").mkdir()
    (root / "etc/motd").write_text("hello from the initrd\n")
    (root / "etc/deep/er/leaf.txt").write_text("leaf\n" * 100)
    (root / "data.bin").write_bytes(bytes(range(256)) * 5 + b"\0\1\2")
    (root / "empty").write_bytes(b"")
    (root / "name with spaces").write_text("spaces\n")
    (root / "link").symlink_to("etc/motd")
    (root / "abs-link").symlink_to("/etc/deep")
    os.chmod(root / "empty", 0o600)
    os.chmod(root / "emptydir", 0o700)
    os.chmod(root / "data.bin", 0o755)
    return root


@pytest.fixture
def tree(tmp_path):
    return make_tree(tmp_path / "root")


@pytest.fixture
def kiln_archive(tree, tmp_path):
    return build_initrd(tree, tmp_path / "kiln.cpio")


def gnu_cpio(folder, out):
    if not shutil.which("cpio"):
        pytest.skip("GNU cpio is not installed (apt-get install cpio)")
    names = subprocess.run(["find", "."], cwd=folder, capture_output=True, text=True,
                           check=True).stdout
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=folder, input=names.encode(),
                       stdout=f, check=True)
    return out


def run(exe, archive, *extra):
    proc = subprocess.run([str(exe), str(archive), *extra], capture_output=True, text=True,
                          timeout=120)
    assert "Sanitizer" not in proc.stderr and "runtime error" not in proc.stderr, proc.stderr
    return proc


def rejected(exe, tmp_path, blob: bytes):
    path = tmp_path / "bad.cpio"
    path.write_bytes(blob)
    proc = run(exe, path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    m = re.search(r"error offset=(\d+) what=(.*?) hint=", proc.stdout)
    assert m, proc.stdout
    return int(m.group(1)), m.group(2)


def offsets(blob: bytes) -> list[int]:
    """Header offsets of a valid archive's entries (trailer included)."""
    out, pos = [], 0
    while True:
        out.append(pos)
        namesize, size = int(blob[pos + 94:pos + 102], 16), int(blob[pos + 54:pos + 62], 16)
        if blob[pos + 110:pos + 110 + namesize - 1] == b"TRAILER!!!":
            return out
        pos += 110 + namesize
        pos += -pos % 4
        pos += size + (-size % 4)


# --- the reader ----------------------------------------------------------------

def test_reads_kiln_archives(parse_bin, kiln_archive):
    proc = run(parse_bin, kiln_archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok 11 entries" in proc.stdout
    assert "entry file /data.bin 100755 1283" in proc.stdout
    assert "entry symlink /link 120777 8" in proc.stdout
    assert "entry dir /emptydir 40700 0" in proc.stdout


def test_reads_gnu_cpio_archives_with_padding(parse_bin, tree, tmp_path):
    archive = gnu_cpio(tree, tmp_path / "gnu.cpio")
    assert archive.stat().st_size % 512 == 0  # zero blocks after the trailer
    proc = run(parse_bin, archive)
    assert proc.returncode == 0, proc.stdout
    assert "entry dir / 40755" in proc.stdout  # "." is the root itself
    assert "entry file /name with spaces 100644 7" in proc.stdout
    assert "ok 12 entries" in proc.stdout


def test_names_are_normalised(parse_bin, tmp_path):
    blob = (entry("./a//b/", DIR) + entry("/abs/./x", FILE, b"x") + entry(".", DIR)
            + TRAILER)
    (tmp_path / "n.cpio").write_bytes(blob)
    out = run(parse_bin, tmp_path / "n.cpio").stdout
    assert "entry dir /a/b 40755" in out and "entry file /abs/x 100644 1" in out
    assert "entry dir / 40755" in out


def test_crc_format_checksum(parse_bin, tmp_path):
    good = entry("f", FILE, b"abc", magic=b"070702", check=sum(b"abc")) + TRAILER
    (tmp_path / "c.cpio").write_bytes(good)
    assert run(parse_bin, tmp_path / "c.cpio").returncode == 0
    bad = entry("f", FILE, b"abc", magic=b"070702", check=1) + TRAILER
    assert rejected(parse_bin, tmp_path, bad) == (112, "checksum mismatch (070702 archive)")


CORRUPT = {
    # name: (make(blob, entry offsets) -> bytes, expected offset(blob, offs), cause)
    "empty file": (lambda b, o: b"", lambda b, o: 0,
                   "archive ends without a TRAILER!!! entry"),
    "bad magic": (lambda b, o: b"070707" + b[6:], lambda b, o: 0, "bad magic"),
    "bad magic later": (lambda b, o: b[:o[3]] + b"070601" + b[o[3] + 6:],
                        lambda b, o: o[3], "bad magic"),
    "odc archive": (lambda b, o: b"070707" + b"0" * 200, lambda b, o: 0, "bad magic"),
    "bad hex in c_filesize": (lambda b, o: b[:o[2] + 57] + b"g" + b[o[2] + 58:],
                              lambda b, o: o[2] + 54, "bad hex digit in c_filesize"),
    "bad hex in c_check": (lambda b, o: b[:o[1] + 109] + b" " + b[o[1] + 110:],
                           lambda b, o: o[1] + 102, "bad hex digit in c_check"),
    "truncated header": (lambda b, o: b[:o[4] + 50], lambda b, o: o[4], "truncated header"),
    "truncated name": (lambda b, o: b[:o[4] + 112], lambda b, o: o[4] + 110,
                       "name runs past the end of the archive"),
    "truncated data": (lambda b, o: b[:o[1] + 200], lambda b, o: o[1] + 120,
                       "file data runs past the end of the archive"),
    "huge file size": (lambda b, o: b[:o[1] + 54] + b"FFFFFFFF" + b[o[1] + 62:],
                       lambda b, o: o[1] + 120, "file data runs past the end of the archive"),
    "huge name size": (lambda b, o: b[:o[1] + 94] + b"FFFFFFFF" + b[o[1] + 102:],
                       lambda b, o: o[1] + 94, "name longer than 4095 bytes (c_namesize)"),
    "zero name size": (lambda b, o: b[:o[1] + 94] + b"00000000" + b[o[1] + 102:],
                       lambda b, o: o[1] + 94, "empty name (c_namesize below 2)"),
    "name without NUL": (lambda b, o: b[:o[1] + 118] + b"X" + b[o[1] + 119:],
                         lambda b, o: o[1] + 118, "name without its NUL terminator"),
    "missing trailer": (lambda b, o: b[:o[-1]], lambda b, o: o[-1],
                        "archive ends without a TRAILER!!! entry"),
    "bad file type": (lambda b, o: b[:o[1] + 14] + b"000001ED" + b[o[1] + 22:],
                      lambda b, o: o[1] + 14, "bad file type in c_mode"),
}


@pytest.mark.parametrize("case", CORRUPT)
def test_corrupt_archives_are_rejected_at_the_right_offset(parse_bin, unpack_bin, tmp_path,
                                                            kiln_archive, case):
    blob = kiln_archive.read_bytes()
    offs = offsets(blob)
    # entry 1 is data.bin (name "data.bin": data at +120), entry 4 etc/deep/er
    assert blob[offs[1] + 110:offs[1] + 118] == b"data.bin"
    make, where, cause = CORRUPT[case]
    bad = make(blob, offs)
    assert rejected(parse_bin, tmp_path, bad) == (where(blob, offs), cause)
    # The unpacker reports the same, after creating what came before.
    proc = run(unpack_bin, tmp_path / "bad.cpio")
    assert proc.returncode == 2 and f"offset={where(blob, offs)} what={cause}" in proc.stdout


@pytest.mark.parametrize("blob, offset, cause", [
    (entry("a/../../etc", FILE, b"x") + TRAILER, 110, "'..' in the name"),
    (entry("d", DIR, b"data") + TRAILER, 54, "directory with data (c_filesize)"),
    (entry("l", LINK, b"") + TRAILER, 54, "symlink target empty or longer than 4095 bytes"),
    (entry("l", LINK, b"a\0b") + TRAILER, 112, "NUL byte inside the symlink target"),
    (entry("x" * 256, FILE) + TRAILER, 110, "a name component longer than 255 bytes"),
    (entry("/".join(["y" * 200] * 21), FILE) + TRAILER, 94,
     "name longer than 4095 bytes (c_namesize)"),
    (entry(".", FILE, b"x") + TRAILER, 110, "entry for / that is not a directory"),
    (entry("a\0b", FILE), 111, "NUL byte inside the name"),
], ids=["dotdot", "dir-data", "empty-target", "nul-target", "long-component", "long-name",
        "root-file", "nul-name"])
def test_bad_entries(parse_bin, tmp_path, blob, offset, cause):
    assert rejected(parse_bin, tmp_path, blob) == (offset, cause)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzzed_archives_never_crash(parse_bin, unpack_bin, tree, tmp_path, seed):
    archive = gnu_cpio(tree, tmp_path / "gnu.cpio")
    proc = run(parse_bin, archive, "fuzz", str(seed), "20000")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"fuzz: \d+ accepted, \d+ rejected", proc.stdout)
    proc = run(unpack_bin, archive, "fuzz", str(seed), "3000")
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- the unpacker --------------------------------------------------------------

def listing(stdout: str) -> list[str]:
    return sorted(line for line in stdout.splitlines()
                  if line.startswith(("dir ", "file ", "symlink ")))


def test_unpacks_kiln_archive_exactly(unpack_bin, tree, kiln_archive):
    proc = run(unpack_bin, kiln_archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert listing(proc.stdout) == expected_listing(tree)
    assert "stats dirs=4 files=5 symlinks=2 hardlinks=0 skipped=0" in proc.stdout


def test_unpacks_gnu_cpio_archive_with_hard_links(unpack_bin, tree, tmp_path):
    os.link(tree / "etc/motd", tree / "etc/motd.again")  # data only in the last of the group
    archive = gnu_cpio(tree, tmp_path / "gnu.cpio")
    proc = run(unpack_bin, archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert listing(proc.stdout) == expected_listing(tree)
    assert "hardlinks=1" in proc.stdout


def test_parents_are_created_and_duplicates_replace(unpack_bin, tmp_path):
    blob = (entry("a/b/c", FILE, b"first") + entry("a/b/c", FILE, b"second")
            + entry("x", FILE, b"file") + entry("x", 0o40711)
            + entry("d", 0o40700) + entry("d", 0o40700)
            + entry("l", LINK, b"a/b/c") + entry("l", FILE, b"now a file")
            + entry("fifo", FIFO) + TRAILER)
    (tmp_path / "d.cpio").write_bytes(blob)
    proc = run(unpack_bin, tmp_path / "d.cpio")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert listing(proc.stdout) == sorted([
        "dir /a 755", "dir /a/b 755", f"file /a/b/c 644 6 {fnv1a(b'second')} nlink 1",
        "dir /x 711", "dir /d 700", f"file /l 644 10 {fnv1a(b'now a file')} nlink 1"])
    assert "kn: initrd: skipped /fifo at offset" in proc.stdout


@pytest.mark.parametrize("blob, what", [
    (entry("d/f", FILE, b"x") + entry("d", FILE, b"y") + TRAILER,
     "replaces a non-empty directory"),
    (entry("f", FILE, b"x") + entry("f/g", FILE, b"y") + TRAILER,
     "a parent is not a directory"),
], ids=["dir-replaced", "file-parent"])
def test_unpack_conflicts_stop_with_the_entry(unpack_bin, tmp_path, blob, what):
    (tmp_path / "c.cpio").write_bytes(blob)
    proc = run(unpack_bin, tmp_path / "c.cpio")
    assert proc.returncode == 2, proc.stdout
    second = offsets(blob)[1]
    assert f"error offset={second} what={what} name=/" in proc.stdout


def test_reader_is_freestanding_and_needs_nothing():
    """The reader compiles with the kernel's flags and calls no function
    (not even memchr, which a libc-less image lacks)."""
    obj = HOST.kernel_object(HOST.library.dir / "cpio.c")
    assert undefined_symbols(obj) <= {"memcpy", "memcmp"}
