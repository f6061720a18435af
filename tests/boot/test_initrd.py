"""The initrd at boot: `[app] rootfs` packed by kiln build, unpacked by
vfs-initrd into the root ramfs before main, on kvm (microvm and pc) and
linuxu; archives from GNU cpio; corrupt archives stop the boot with one
line naming the offset."""

import os
import random
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, run_kiln
from initrd_listing import expected_listing
from kiln.rootfs import build_initrd

from .conftest import boot

pytestmark = pytest.mark.boot
TARGETS = [("kvm", "microvm"), ("kvm", "pc"), ("linuxu", None)]
TARGET_IDS = ["kvm-microvm", "kvm-pc", "linuxu"]
APP = ROOT / "tests/apps/initrd"


def listing(stdout: str) -> list[str]:
    return sorted(line for line in stdout.splitlines()
                  if line.startswith(("dir ", "file ", "symlink ")))


def expected_with_standard_dirs(root) -> list[str]:
    """The archive's tree plus what ramfs adds when the archive has none:
    /tmp (1777) and /root (700). The app's rootfs has its own tmp/ (mode
    755, a file in it), which is kept as it is."""
    lines = expected_listing(root)
    for path, mode in (("/tmp", "1777"), ("/root", "700")):
        if not any(line.startswith(f"dir {path} ") for line in lines):
            lines.append(f"dir {path} {mode}")
    return sorted(lines)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The test app with its rootfs made richer than git can hold: an empty
    folder, exact modes, an absolute symlink, a 48 KiB binary file."""
    folder = tmp_path_factory.mktemp("initrd") / "initrd"
    shutil.copytree(APP, folder, symlinks=True, ignore=shutil.ignore_patterns("build", ".kiln"))
    root = folder / "root"
    (root / "var/empty").mkdir(parents=True)
    os.chmod(root / "var/empty", 0o700)
    (root / "etc/secret").write_text("not for everyone\n")
    os.chmod(root / "etc/secret", 0o600)
    (root / "bin").mkdir()
    (root / "bin/tool.sh").write_text("#!/bin/sh\necho hi\n")
    os.chmod(root / "bin/tool.sh", 0o755)
    (root / "bin/big.bin").write_bytes(random.Random(7).randbytes(48 * 1024))
    (root / "abs-link").symlink_to("/etc/nested/deep")
    (root / "file with spaces").write_text("spaces\n")
    (root / "tmp").mkdir()
    (root / "tmp/kept.txt").write_text("the archive's /tmp stays\n")
    os.chmod(root / "tmp", 0o755)
    for platform in ("kvm", "linuxu"):
        proc = run_kiln("build", "--plat", platform, cwd=folder)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder


@pytest.mark.parametrize("platform,machine", TARGETS, ids=TARGET_IDS)
def test_rootfs_is_unpacked_before_main(app, platform, machine):
    proc = boot(app, platform, machine)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "initrd: all checks passed" in proc.stdout
    assert listing(proc.stdout) == expected_with_standard_dirs(app / "root")
    assert "dir /tmp 755" in proc.stdout


@pytest.mark.parametrize("platform,machine", [TARGETS[0], TARGETS[2]], ids=["kvm", "linuxu"])
def test_gnu_cpio_archive_with_hard_links(app, tmp_path, platform, machine):
    if not shutil.which("cpio"):
        pytest.skip("GNU cpio is not installed (apt-get install cpio)")
    root = tmp_path / "root"
    shutil.copytree(app / "root", root, symlinks=True)
    os.link(root / "etc/secret", root / "etc/secret.again")
    names = subprocess.run(["find", "."], cwd=root, capture_output=True, check=True).stdout
    archive = tmp_path / "gnu.cpio"
    with open(archive, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=names,
                       stdout=f, check=True)
    proc = boot(app, platform, machine, "--initrd", archive, "-k", "initrd.verbose=1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert listing(proc.stdout) == expected_with_standard_dirs(root)
    assert "1 hard links, 0 skipped" in proc.stderr  # initrd.verbose: a kernel message


def corrupt_cases(blob: bytes):
    namesize, size = int(blob[94:102], 16), int(blob[54:62], 16)
    second = (110 + namesize + 3) // 4 * 4 + (size + 3) // 4 * 4  # the second header
    assert blob[second:second + 6] == b"070701"
    return {
        "bad-magic": (blob[:second] + b"GARBLE" + blob[second + 6:],
                      f"kn: initrd: bad magic at offset {second} (not a newc cpio; "
                      f"rebuild it with kiln build)"),
        "bad-hex": (blob[:second + 54] + b"0000zz00" + blob[second + 62:],
                    f"kn: initrd: bad hex digit in c_filesize at offset {second + 54} "
                    f"(corrupt archive; rebuild it with kiln build)"),
        "truncated": (blob[:second + 100],
                      f"kn: initrd: truncated header at offset {second} (the archive is "
                      f"truncated; rebuild it with kiln build)"),
        "not-cpio": (b"\x7fELF" + bytes(200),
                     "kn: initrd: bad magic at offset 0 (not a newc cpio; rebuild it with "
                     "kiln build)"),
    }


@pytest.mark.parametrize("case", ["bad-magic", "bad-hex", "truncated", "not-cpio"])
@pytest.mark.parametrize("platform,machine", [TARGETS[0], TARGETS[2]], ids=["kvm", "linuxu"])
def test_corrupt_initrd_stops_the_boot(app, tmp_path, platform, machine, case):
    blob = (app / f"build/{platform}/initrd.cpio").read_bytes()
    data, line = corrupt_cases(blob)[case]
    bad = tmp_path / "bad.cpio"
    bad.write_bytes(data)
    proc = boot(app, platform, machine, "--initrd", bad)
    assert proc.returncode == 125, proc.stdout + proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("kn: initrd")]
    assert lines == [line], proc.stderr
    assert "initrd:" not in proc.stdout  # main never ran


def test_rootfs_brings_vfs_initrd_and_linuxu_gets_the_path(app):
    why = run_kiln("why", "vfs-initrd", "--plat", "linuxu", cwd=app)
    assert why.returncode == 0 and "vfs-initrd" in why.stdout, why.stdout + why.stderr
    dry = run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=app)
    assert f"linuxu.initrd={app / 'build/linuxu/initrd.cpio'}" in dry.stdout
    missing = run_kiln("run", "--plat", "linuxu", "--initrd", app / "nope.cpio", cwd=app)
    assert missing.returncode != 0 and "initrd" in missing.stderr and "nope.cpio" in missing.stderr


def test_initrd_for_an_image_without_vfs_initrd_is_warned_about(images, app):
    folder = images.get("helloworld", "linuxu")
    proc = boot(folder, "linuxu", None, "--initrd", app / "build/linuxu/initrd.cpio")
    assert proc.returncode == 0 and "Hello, world!" in proc.stdout
    assert "helloworld has no vfs-initrd, so nothing unpacks the initrd" in proc.stderr


def test_rootfs_larger_than_the_heap_stops_with_the_entry(app, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "big.bin").write_bytes(random.Random(1).randbytes(12 << 20))
    archive = build_initrd(root, tmp_path / "big.cpio")
    proc = boot(app, "linuxu", None, "-m", "8M", "--initrd", archive)
    assert proc.returncode == 125, proc.stdout + proc.stderr
    assert re.fullmatch(r"kn: initrd: /big\.bin: cannot create it \(error (12|28)\) at offset 0 "
                        r"\(the filesystem refused it; give the VM more memory \(-m\) or fix "
                        r"the rootfs folder\)", proc.stderr.strip()), proc.stderr
    assert proc.stdout == ""
