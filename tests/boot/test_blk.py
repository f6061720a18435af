"""Disks end to end: tests/apps/blkdisk writes a pattern to /dev/vda at
aligned, unaligned and sector-straddling offsets, fsyncs, and a fresh
boot on the same file reads it back byte for byte; the host checks the
file too. On kvm the disk is virtio-blk on both transports (microvm's
MMIO, pc's PCI); on linuxu the host file itself (lib/blkdev/hostfile).
Also: the size ioctls, ENOSPC and EOF at the end, EROFS on a read-only
disk, a second disk as /dev/vdb, and data that an fsync reported durable
surviving a SIGKILL of the VM. tests/apps/blkapi drives the blkdev API
itself: requests in flight together, threads waiting for their own, device
errors reaching the caller as EIO. QEMU booted by hand adds what kiln does
not give: blkdebug's injected errors (a failed read, a failed flush behind
fsync), a queue of four, 4096-byte sectors."""

import re
import shlex
import subprocess

import pytest

from conftest import ROOT, run_kiln
from kiln.run.qemu import DISK_DEVICES

from .conftest import TARGETS, app_builder, boot

pytestmark = pytest.mark.boot

SIZE = 4 << 20
# tests/apps/blkdisk/main.c's pieces: (offset, length), negative from the end.
PIECES = [(0, 512), (1000, 100), (1500, 1100), (4095, 2), (8192, 65536 + 300),
          (1 << 20, 1 << 20), (-700, 700)]
IDS = [f"{p}-{m}" if m else p for p, m in TARGETS]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return app_builder(tmp_path_factory, ROOT / "tests/apps/blkdisk")


def pattern(off: int, length: int, seed: int) -> bytes:
    return bytes((o * 131 + seed * 7 + (o >> 9)) & 0xff for o in range(off, off + length))


def check_file(path, seed: int) -> None:
    data = path.read_bytes()
    assert len(data) == SIZE
    for off, length in PIECES:
        off = off % SIZE
        assert data[off:off + length] == pattern(off, length, seed), (off, length)
    assert data[2600:4095] == bytes(1495)  # untouched between two pieces


def new_disk(tmp_path, name="vda.img", size=SIZE):
    path = tmp_path / name
    path.write_bytes(bytes(size))
    return path


def run_by_hand(folder, machine, drive: str, device: str, *app_args):
    """The image booted by QEMU directly: `kiln run --dry-run`'s command
    with one disk of drive options kiln does not give (blkdebug, a queue
    size). Returns the finished process; isa-debug-exit leaves QEMU with
    (status << 1) | 1."""
    proc = run_kiln("run", "--dry-run", "--machine", machine, "--", *app_args, cwd=folder)
    assert proc.returncode == 0, proc.stderr
    argv = shlex.split(proc.stdout.strip().splitlines()[-1])
    argv += ["-drive", f"if=none,id=d0,format=raw,{drive}",
             "-device", f"{DISK_DEVICES[machine]},drive=d0{device}"]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300)


def run_ok(folder, platform, machine, *args):
    proc = boot(folder, platform, machine, *args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "blkdisk: ok" in proc.stdout and "FAIL" not in proc.stdout, proc.stdout
    return proc


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_written_data_survives_a_fresh_boot(built, tmp_path, platform, machine):
    folder, disk = built(platform), new_disk(tmp_path)
    proc = run_ok(folder, platform, machine, "--disk", str(disk), "--", "write", "3")
    # BLKGETSIZE64, BLKSSZGET and SEEK_END all say the file's size.
    assert f"size {SIZE} sector 512\n" in proc.stdout
    assert "written, read back 1116826 bytes intact\nfsync returned\n" in proc.stdout
    assert "end: ENOSPC, EOF, short counts" in proc.stdout
    check_file(disk, 3)
    proc = run_ok(folder, platform, machine, "--disk", str(disk), "--", "verify", "3")
    assert "verified 1116826 bytes" in proc.stdout


def test_a_disk_moves_between_platforms(built, tmp_path):
    """The same file is the same disk everywhere: written on microvm, read
    back on pc and as a linuxu process."""
    disk = new_disk(tmp_path)
    run_ok(built("kvm"), "kvm", "microvm", "--disk", str(disk), "--", "write", "6")
    for platform, machine in (("kvm", "pc"), ("linuxu", None)):
        proc = run_ok(built(platform), platform, machine, "--disk", str(disk), "--", "verify", "6")
        assert "verified 1116826 bytes" in proc.stdout


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_read_only_disk_refuses_writes(built, tmp_path, platform, machine):
    disk = new_disk(tmp_path)
    proc = run_ok(built(platform), platform, machine, "--disk", f"{disk}:ro", "--", "readonly")
    assert "readonly: EROFS, reads work" in proc.stdout
    assert disk.read_bytes() == bytes(SIZE)


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_second_disk_is_vdb(built, tmp_path, platform, machine):
    first, second = new_disk(tmp_path), new_disk(tmp_path, "vdb.img", 1 << 20)
    proc = run_ok(built(platform), platform, machine, "--disk", str(first),
                  "--disk", f"{second}:ro", "--", "second")
    assert "/dev: vda vdb\n" in proc.stdout
    assert f"vdb size {1 << 20} sector 512" in proc.stdout


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_fsynced_data_survives_a_killed_vm(built, tmp_path, platform, machine):
    """The guest says its fsync returned, then waits; the VM (QEMU, or
    the linuxu process) is SIGKILLed at once: what fsync promised must
    be in the file. QEMU runs from `kiln run --dry-run`'s command, so the
    kill reaches it and not kiln."""
    folder, disk = built(platform), new_disk(tmp_path)
    cmd = ["run", "--plat", platform, "--dry-run", "--disk", str(disk)]
    cmd += ["--machine", machine] if machine else []
    dry = run_kiln(*cmd, "--", "write", "4", "hold", cwd=folder)
    assert dry.returncode == 0, dry.stderr
    argv = shlex.split(dry.stdout.strip().splitlines()[-1])
    vm = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = []
        for line in vm.stdout:  # no deadline of ours: the VM's pipe closing ends it
            lines.append(line)
            if line == "fsync returned\n":
                vm.kill()
                break
        assert lines and lines[-1] == "fsync returned\n", "".join(lines)
    finally:
        vm.kill()
        vm.wait(timeout=60)
    check_file(disk, 4)


@pytest.fixture(scope="module")
def api_built(tmp_path_factory):
    return app_builder(tmp_path_factory, ROOT / "tests/apps/blkapi")


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_requests_in_flight_together_and_threads_wait_for_their_own(api_built, tmp_path,
                                                                     platform, machine):
    """tests/apps/blkapi: 16 reads queued before any is waited for (on
    kvm all 16 are in the ring at once; linuxu's host file answers each
    on submit), a waiting thread lets the CPU idle, four threads write
    and read their own regions at the same time, and a flush completes."""
    disk = new_disk(tmp_path, size=8 << 20)
    proc = boot(api_built(platform), platform, machine, "--disk", str(disk))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "blkapi: ok" in proc.stdout and "FAIL" not in proc.stdout, proc.stdout
    assert "threads: 4 of 4 wrote and read back intact" in proc.stdout
    assert "flushes 1, device errors 0" in proc.stdout
    if platform == "kvm":
        assert "in flight together: 16 of 16\nidled while waiting: yes\n" in proc.stdout


@pytest.mark.parametrize("machine", ["microvm", "pc"])
def test_device_error_is_eio(api_built, tmp_path, machine):
    """QEMU's blkdebug driver fails every read: the status byte the
    device returns reaches the caller as -EIO."""
    disk = new_disk(tmp_path, size=1 << 20)
    config = tmp_path / "blkdebug.conf"
    config.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n')
    run = run_by_hand(api_built("kvm"), machine, f"file.driver=blkdebug,file.config={config},"
                      f"file.image.filename={disk}", "", "eio")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "read error: EIO" in run.stdout


@pytest.mark.parametrize("machine", ["microvm", "pc"])
def test_a_queue_of_four_takes_one_request_at_a_time(built, tmp_path, machine):
    """queue-size=4: room for one request (header, two data pieces as
    seg_max says, status), so every further piece waits for a completion
    to free the queue; the data still arrive whole."""
    disk = new_disk(tmp_path)
    run = run_by_hand(built("kvm"), machine, f"file={disk}", ",queue-size=4", "write", "7")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "blkdisk: ok" in run.stdout and "FAIL" not in run.stdout, run.stdout
    check_file(disk, 7)


@pytest.mark.parametrize("machine", ["microvm", "pc"])
def test_4096_byte_sectors(built, tmp_path, machine):
    """A disk of 4 KiB logical sectors (VIRTIO_BLK_F_BLK_SIZE): BLKSSZGET
    says so, the device's 512-byte sector numbers are converted, and
    partial sectors are patched 4 KiB at a time."""
    disk = new_disk(tmp_path)
    run = run_by_hand(built("kvm"), machine, f"file={disk}",
                      ",logical_block_size=4096,physical_block_size=4096", "write", "8")
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"size {SIZE} sector 4096\n" in run.stdout
    assert "blkdisk: ok" in run.stdout and "FAIL" not in run.stdout, run.stdout
    check_file(disk, 8)


@pytest.mark.parametrize("machine", ["microvm", "pc"])
def test_fsync_flushes_the_device(built, tmp_path, machine):
    """fsync and fdatasync on /dev/vda send the device a FLUSH: QEMU's
    blkdebug fails the flush to the host file, and both return EIO (the
    writes before them went through)."""
    disk = new_disk(tmp_path)
    config = tmp_path / "blkdebug.conf"
    config.write_text('[inject-error]\nevent = "flush_to_disk"\nerrno = "5"\n')
    run = run_by_hand(built("kvm"), machine, f"file.driver=blkdebug,file.config={config},"
                      f"file.image.filename={disk}", "", "write", "9")
    assert "written, read back 1116826 bytes intact\n" in run.stdout, run.stdout + run.stderr
    assert re.search(r"^FAIL .*: fsync: I/O error$", run.stdout, re.M), run.stdout
    assert re.search(r"^FAIL .*: fdatasync: I/O error$", run.stdout, re.M), run.stdout
    assert run.returncode == 3  # exit 1: (1 << 1) | 1
