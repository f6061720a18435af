"""Disk throughput: bench/native/blkbench.c on /dev/vda in the Kiln
unikernel (bench/apps/blkbench: virtio-blk behind the blkdev API) against
the same program built statically in the Debian Linux microVM (its
virtio_blk driver, O_DIRECT so its page cache stays out), both under the
same QEMU command (microvm, TCG, 128 MiB) with the same raw disk image
attached the same way: sequential 1 MiB writes (then fsync) and reads,
random 4 KiB reads, random 4 KiB writes (then fsync).

    python3 bench/blk.py [--quick] [--runs N] [--mib M] [--ops N] [--no-linux]
"""

import tempfile
from pathlib import Path

import images
import linux_guest
import report
import timing

APP = "blkbench"
MEMORY = "128M"          # the Debian kernel does not decompress in 64 MiB
DISK_MIB = 64
GOAL = 1.0               # Kiln's throughput / Linux's: at least as fast
# Debian's kernel has virtio-blk as modules; it finds microvm's virtio-mmio
# transports in the ACPI tables only, so its VM runs with ACPI on.
MODULES = ["virtio_ring", "virtio", "virtio_mmio", "virtio_blk"]
TESTS = ("seq-write", "seq-read", "rand-read", "rand-write")


def linux_argv(kiln_argv: list[str], command: str) -> tuple[list[str], str]:
    """The Kiln image's QEMU command with Debian's kernel and a busybox
    initramfs whose /init loads virtio-blk, mounts devtmpfs (for
    /dev/vda) and runs COMMAND."""
    return linux_guest.modules_vm_argv(
        kiln_argv, APP, MODULES, "/bin/busybox mount -t devtmpfs devtmpfs /dev", command,
        {APP: images.compile_native(APP)})


def with_disk(argv: list[str], disk: Path) -> list[str]:
    """The guest's command with DISK as its one virtio-blk disk, attached as
    `kiln run --disk` attaches it (kiln.run.qemu)."""
    return argv + ["-drive", f"if=none,id=d0,file={disk},format=raw",
                   "-device", "virtio-blk-device,drive=d0"]


def run_once(name: str, argv: list[str], workdir: Path) -> dict[str, dict]:
    """One boot on a fresh zeroed disk: {test: {"bytes", "ops", "seconds"}}."""
    disk = workdir / "disk.img"
    disk.unlink(missing_ok=True)
    with open(disk, "wb") as f:
        f.truncate(DISK_MIB << 20)
    return timing.io_figures(name, APP, with_disk(argv, disk), TESTS, 900)


def main(argv=None):
    parser = report.arg_parser(__doc__.split("\n\n")[0], runs=3, quick_runs=1)
    parser.add_argument("--mib", type=int, default=None,
                        help="MiB written and read in sequence (default 32, --quick 16)")
    parser.add_argument("--ops", type=int, default=None,
                        help="random 4 KiB operations each way (default 4000, --quick 1000)")
    parser.add_argument("--no-linux", action="store_true", help="Kiln only")
    args = report.parse_args(parser, argv)
    mib = args.mib or (16 if args.quick else 32)
    ops = args.ops or (1000 if args.quick else 4000)
    if not 1 <= mib <= DISK_MIB or ops < 1:
        parser.error(f"--mib must be 1..{DISK_MIB} and --ops at least 1")
    report.banner(
        "disk throughput: /dev/vda, Kiln vs a Linux VM",
        f">= {GOAL}x the Linux VM's figures",
        f"""bench/native/blkbench.c on /dev/vda: {mib} MiB in 1 MiB pwrites then fsync, the
        same in 1 MiB preads, {ops:,} random 4 KiB preads, {ops:,} random 4 KiB pwrites then
        fsync; a fresh zeroed {DISK_MIB} MiB raw image per boot (-drive format=raw,
        virtio-blk-device, QEMU's default writeback cache: the host's page cache holds it).
        Kiln: bench/apps/blkbench (virtio-blk, blkdev, musl); Linux VM: the same source
        static, O_DIRECT, Debian kernel + busybox; both QEMU TCG microvm, {MEMORY}; runs
        interleave; medians over {args.runs} run(s).""")
    kiln_argv = images.qemu_argv(images.build_bench_app(APP, "kvm"), memory=MEMORY,
                                 machine="microvm", args=["/dev/vda", str(mib), str(ops)])
    guests = {"Kiln": kiln_argv}
    linux_desc = None if args.no_linux else linux_guest.add_linux(
        guests, lambda: linux_argv(kiln_argv, f"/bin/{APP} /dev/vda {mib} {ops}"))
    with tempfile.TemporaryDirectory(prefix="kiln-blk-") as tmp:
        samples = timing.rounds(guests, args.runs,
                                lambda name, argv: run_once(name, argv, Path(tmp)))

    report.io_versus(
        "blk", samples, TESTS, ("MB/s", 1e6), "IOPS", GOAL,
        "(under TCG both guests' CPU work is emulated; the disk is the host's page cache "
        "behind QEMU's I/O either way)", "/dev/vda under QEMU TCG microvm",
        {"linux": linux_desc, "mib": mib, "ops": ops, "memory": MEMORY, "argv": guests})


if __name__ == "__main__":
    main()
