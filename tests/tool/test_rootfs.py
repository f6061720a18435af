"""The initrd writer: newc archives that the system cpio tool agrees with."""

import os
import re
import shutil
import stat
import subprocess

import pytest

from conftest import write
from kiln.errors import KilnError
from kiln.rootfs import Entry, build_initrd, collect, pack, unpack


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "root"
    write(root / "etc/motd", "hello\n")
    write(root / "data/empty", "")
    write(root / "data/sql/init.sql", "create table t(x);\n" * 100)
    (root / "bin").mkdir()
    os.symlink("../data/sql/init.sql", root / "bin/link")
    os.chmod(root / "etc/motd", 0o640)
    return root


def test_round_trip(tree):
    entries = collect(tree)
    assert [e.path for e in entries] == ["bin", "bin/link", "data", "data/empty", "data/sql",
                                         "data/sql/init.sql", "etc", "etc/motd"]
    back = unpack(pack(entries))
    assert [(e.path, e.mode, e.data) for e in back] == [(e.path, e.mode, e.data) for e in entries]
    motd = next(e for e in back if e.path == "etc/motd")
    assert stat.S_IMODE(motd.mode) == 0o640 and stat.S_ISREG(motd.mode)
    link = next(e for e in back if e.path == "bin/link")
    assert stat.S_ISLNK(link.mode) and link.data == b"../data/sql/init.sql"


def test_reproducible(tree, tmp_path):
    a = build_initrd(tree, tmp_path / "a.cpio").read_bytes()
    os.utime(tree / "etc/motd", (1, 1))
    assert build_initrd(tree, tmp_path / "b.cpio").read_bytes() == a


@pytest.mark.skipif(not shutil.which("cpio"), reason="cpio tool not installed")
def test_system_cpio_reads_it(tree, tmp_path):
    archive = build_initrd(tree, tmp_path / "r.cpio")
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run(["cpio", "-id", "--quiet"], stdin=archive.open("rb"), cwd=out, check=True)
    assert (out / "etc/motd").read_text() == "hello\n"
    assert os.readlink(out / "bin/link") == "../data/sql/init.sql"
    assert (out / "data/sql/init.sql").stat().st_size == len("create table t(x);\n") * 100


def test_corrupt_archives_name_the_offset(tree):
    blob = pack(collect(tree))
    with pytest.raises(KilnError, match="bad magic at offset 0"):
        unpack(b"xx" + blob)
    second = blob.index(b"070701", 6)
    broken = blob[:second] + b"070701ZZZZZZZZ" + blob[second + 14:]
    with pytest.raises(KilnError, match=f"bad header at offset {second}"):
        unpack(broken)


def test_missing_folder_and_special_files(tmp_path):
    with pytest.raises(KilnError, match="does not exist"):
        collect(tmp_path / "nope")
    root = tmp_path / "r"
    root.mkdir()
    os.mkfifo(root / "fifo")
    with pytest.raises(KilnError, match="neither a file"):
        collect(root)


@pytest.mark.skipif(not shutil.which("cpio"), reason="cpio tool not installed")
def test_device_nodes_keep_their_numbers(tmp_path):
    """The benchmarks' Linux guest packs /dev/console (5, 1) with pack()."""
    entries = [Entry("dev", stat.S_IFDIR | 0o755, b""),
               Entry("dev/console", stat.S_IFCHR | 0o600, b"", (5, 1))]
    blob = pack(entries)
    assert unpack(blob) == entries
    listing = subprocess.run(["cpio", "-itv", "--quiet"], input=blob, capture_output=True,
                             check=True).stdout.decode()
    assert re.search(r"^crw-------\s.*\b5,\s*1\b.*dev/console$", listing, re.M), listing
