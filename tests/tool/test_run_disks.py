"""`kiln run --disk FILE[:ro]` and kiln.toml's [run] disk: what each
platform's launcher gets, and one clear line (no traceback, no QEMU
failure) for every disk that cannot work."""

import os
import shlex

import pytest

from conftest import run_kiln, write
from test_run_rules import one_line_error, with_kvm_image


@pytest.fixture
def app(fake_built_app):
    """fake_built_app with a kvm image too, both built with a blkdev driver."""
    app = with_kvm_image(fake_built_app)
    for platform in ("kvm", "linuxu"):
        write(app / f"build/{platform}/include/kn/config.h", "#define CONFIG_HAVE_BLKDEV 1\n")
    return app


@pytest.fixture
def disk(tmp_path):
    path = tmp_path / "disk.img"
    path.write_bytes(b"\0" * 4096)
    return path


def dry_run(app, platform, *args) -> list[str]:
    proc = run_kiln("run", "--plat", platform, "--dry-run", *args, cwd=app)
    assert proc.returncode == 0, proc.stderr
    return shlex.split(proc.stdout)


def test_disks_reach_qemu_in_order_on_each_machine(app, disk, tmp_path):
    second = tmp_path / "b,c.img"  # a comma QEMU must not split at
    second.write_bytes(b"\0" * 512)
    for machine, device in (("microvm", "virtio-blk-device"), ("pc", "virtio-blk-pci")):
        argv = dry_run(app, "kvm", "--machine", machine, "--disk", str(disk),
                       "--disk", f"{second}:ro")
        i = argv.index("-drive")
        assert argv[i:i + 8] == [
            "-drive", f"if=none,id=d0,file={disk},format=raw", "-device", f"{device},drive=d0",
            "-drive", f"if=none,id=d1,file={str(second).replace(',', ',,')},format=raw,"
                      f"readonly=on", "-device", f"{device},drive=d1"]


def test_disks_reach_linuxu_as_kernel_parameters(app, disk, tmp_path):
    second = tmp_path / "b.img"
    second.write_bytes(b"\0" * 512)
    argv = dry_run(app, "linuxu", "--disk", str(disk), "--disk", f"{second}:ro")
    assert f"hostblk.vda=rw:{disk}" in argv and f"hostblk.vdb=ro:{second}" in argv


def test_relative_disks_are_from_the_current_folder_and_kiln_toml_from_the_app(app, disk):
    write(app / "kiln.toml", '[app]\nname = "fake"\n\n[run]\ndisk = ["d/x.img:ro"]\n')
    (app / "d").mkdir()
    (app / "d/x.img").write_bytes(b"\0" * 1024)
    assert f"hostblk.vda=ro:{app / 'd/x.img'}" in dry_run(app, "linuxu")
    # --disk replaces kiln.toml's list.
    assert dry_run(app, "linuxu", "--disk", str(disk))[1] == f"hostblk.vda=rw:{disk}"
    proc = run_kiln("--app", str(app), "run", "--plat", "linuxu", "--dry-run", "--disk",
                    "disk.img", cwd=disk.parent)
    assert proc.returncode == 0, proc.stderr
    assert f"hostblk.vda=rw:{disk}" in proc.stdout


@pytest.mark.parametrize("platform", ["kvm", "linuxu"])
def test_missing_disk_is_refused(app, tmp_path, platform):
    missing = tmp_path / "nope.img"
    one_line_error(run_kiln("run", "--plat", platform, "--disk", str(missing), cwd=app),
                   f"--disk {missing}: no such file", f"truncate -s 64M {missing}")


def test_folder_is_refused(app, tmp_path):
    one_line_error(run_kiln("run", "--disk", str(tmp_path), cwd=app),
                   f"--disk {tmp_path}: is a folder", "truncate -s 64M disk.img")


def test_device_file_is_refused(app):
    one_line_error(run_kiln("run", "--disk", "/dev/null", cwd=app),
                   "--disk /dev/null: is not a regular file")


@pytest.mark.parametrize("size,fragment,hint", [
    (0, "is empty", "truncate -s 64M"),
    (100, "is 100 bytes, not a whole number of 512-byte sectors", "truncate -s 512"),
    (1000, "is 1000 bytes, not a whole number of 512-byte sectors", "truncate -s 1024"),
])
def test_disk_not_whole_sectors_is_refused(app, tmp_path, size, fragment, hint):
    bad = tmp_path / "bad.img"
    bad.write_bytes(b"\0" * size)
    one_line_error(run_kiln("run", "--disk", str(bad), cwd=app), fragment, f"{hint} {bad}")


def test_empty_name_is_refused(app):
    one_line_error(run_kiln("run", "--disk", ":ro", cwd=app), "give a disk image file")


def test_same_file_twice_is_refused(app, disk):
    one_line_error(run_kiln("run", "--disk", str(disk), "--disk", f"{disk}:ro", cwd=app),
                   "given twice")


def test_more_disks_than_the_guest_takes_are_refused(app, tmp_path):
    args = []
    for i in range(5):
        (tmp_path / f"{i}.img").write_bytes(b"\0" * 512)
        args += ["--disk", str(tmp_path / f"{i}.img")]
    one_line_error(run_kiln("run", *args, cwd=app), "5 disks given", "at most 4")


def test_bad_disk_in_kiln_toml_is_refused(app):
    write(app / "kiln.toml", '[app]\nname = "fake"\n\n[run]\ndisk = ["gone.img"]\n')
    one_line_error(run_kiln("run", "--plat", "linuxu", cwd=app),
                   "kiln.toml [run] disk gone.img: no such file")
    write(app / "kiln.toml", '[app]\nname = "fake"\n\n[run]\ndisk = "one.img"\n')
    proc = run_kiln("run", "--plat", "linuxu", cwd=app)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "disk" in proc.stderr


def test_image_without_a_disk_driver_is_refused(app, disk):
    write(app / "build/linuxu/include/kn/config.h", "#define CONFIG_HAVE_NETDEV 1\n")
    one_line_error(run_kiln("run", "--plat", "linuxu", "--dry-run", "--disk", str(disk),
                            cwd=app),
                   "fake has no disk driver", 'add "blkdev" to [app] requires')


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes any file")
def test_unreadable_or_unwritable_disk_is_refused(app, disk):
    disk.chmod(0o200)
    one_line_error(run_kiln("run", "--disk", str(disk), cwd=app), "cannot be read")
    disk.chmod(0o400)
    one_line_error(run_kiln("run", "--disk", str(disk), cwd=app), "cannot be written",
                   f"{disk}:ro")
    assert dry_run(app, "linuxu", "--disk", f"{disk}:ro")
