"""Shared-folder throughput: bench/native/ninepbench.c in a host folder
shared over virtio-9p (`kiln run -v`), in the Kiln unikernel
(bench/apps/ninepbench: vfs-9pfs) against the same program built statically
with musl in the Debian Linux microVM (its 9p filesystem, mounted
trans=virtio,version=9p2000.L with Kiln's msize), both under the same QEMU
command (microvm, TCG, 128 MiB) with the same -fsdev and virtio-9p device:
a file written in 1 MiB writes (then fsync) and read back, then files
created, stat'ed and unlinked.

    python3 bench/ninep.py [--quick] [--runs N] [--mib M] [--files N] [--under DIR]
                           [--no-linux]
"""

import subprocess
import tempfile
from pathlib import Path

import images
import linux_guest
import report
import timing

APP = "ninepbench"
MEMORY = "128M"          # the Debian kernel does not decompress in 64 MiB
GOAL = 1.0               # Kiln's figure / Linux's: at least as fast
GUEST_PATH = "/data"
TAG = "kn0"              # the tag `kiln run -v` gives its first share
# lib/vfs/9pfs/attach.c's MSIZE: 128 KiB of data plus a Twrite's header.
# Linux's virtio transport takes up to 500 KiB, so both use the same one.
MSIZE = 128 * 1024 + 24
# Debian's kernel has all of 9p as modules (CONFIG_NET_9P, _VIRTIO, 9P_FS,
# NETFS_SUPPORT and FSCACHE =m; 9p.ko depends on 9pnet, fscache and netfs),
# in dependency order; virtio-mmio found in the ACPI tables (ACPI on).
MODULES = ["virtio_ring", "virtio", "virtio_mmio", "netfs", "fscache", "9pnet",
           "9pnet_virtio", "9p"]
TESTS = ("seq-write", "seq-read", "create", "stat", "unlink")
# The shared folder lives in tmpfs when the host has one, so the figures
# are the guests' and QEMU's, not the host disk's (both guests' fsync
# becomes QEMU's fsync of the host file).
UNDER = "/dev/shm" if Path("/dev/shm").is_dir() else None


def linux_argv(kiln_argv: list[str], command: str) -> tuple[list[str], str]:
    """The Kiln image's QEMU command (its -fsdev and device included) with
    Debian's kernel and a busybox initramfs whose /init loads 9p, mounts
    the share at GUEST_PATH and runs COMMAND."""
    bb = "/bin/busybox"
    # cache=none (the default): every read and write goes to the server, as
    # in Kiln, which has no page cache.
    options = f"trans=virtio,version=9p2000.L,msize={MSIZE}"
    setup = (f"{bb} mkdir -p {GUEST_PATH}\n"
             f"{bb} mount -t 9p -o {options} {TAG} {GUEST_PATH} || {bb} echo 'mount failed'")
    argv, desc = linux_guest.modules_vm_argv(kiln_argv, APP, MODULES, setup, command,
                                             {APP: images.compile_native(APP, musl=True)})
    return argv, f"{desc}, mount -o {options}"


def run_once(name: str, argv: list[str], folder: Path) -> dict[str, dict]:
    """One boot on the emptied shared folder: {test: {"bytes", "ops", "seconds"}}."""
    for item in folder.iterdir():
        subprocess.run(["rm", "-rf", str(item)], check=True)
    return timing.io_figures(name, APP, argv, TESTS, 1800)


def main(argv=None):
    parser = report.arg_parser(__doc__.split("\n\n")[0], runs=3, quick_runs=1)
    parser.add_argument("--mib", type=int, default=None,
                        help="MiB written and read (default 100, --quick 32)")
    parser.add_argument("--files", type=int, default=None,
                        help="files created, stat'ed, unlinked (default 10000, --quick 2000)")
    parser.add_argument("--under", default=UNDER,
                        help=f"where the shared folder is made (default {UNDER or 'the temp dir'})")
    parser.add_argument("--no-linux", action="store_true", help="Kiln only")
    args = report.parse_args(parser, argv)
    mib = args.mib or (32 if args.quick else 100)
    files = args.files or (2000 if args.quick else 10000)
    if mib < 1 or not 1 <= files <= 99999:
        parser.error("--mib must be at least 1 and --files 1..99999")
    report.banner(
        "shared folder: 9p over virtio, Kiln vs a Linux VM",
        f">= {GOAL}x the Linux VM's figures",
        f"""bench/native/ninepbench.c in a host folder under {args.under or 'the temp dir'}
        shared as `kiln run -v` shares it (-fsdev local,security_model=none,
        virtio-9p-device): {mib} MiB in 1 MiB writes then
        fsync, the same in 1 MiB reads; then {files:,} empty files created (O_CREAT|O_EXCL,
        close), each stat'ed, each unlinked. msize {MSIZE:,} on both sides. Kiln:
        bench/apps/ninepbench (vfs-9pfs, virtio-9p, musl); Linux VM: the same source built
        with musl-gcc -static, 9p mounted cache=none (the default), Debian kernel + busybox;
        both QEMU TCG microvm, {MEMORY}; runs interleave; medians over {args.runs} run(s).""")
    with tempfile.TemporaryDirectory(prefix="kiln-9p-", dir=args.under) as tmp:
        folder = Path(tmp)
        kiln_argv = images.qemu_argv(images.build_bench_app(APP, "kvm"), memory=MEMORY,
                                     machine="microvm", volumes=[f"{folder}:{GUEST_PATH}"],
                                     args=[GUEST_PATH, str(mib), str(files)])
        guests = {"Kiln": kiln_argv}
        linux_desc = None if args.no_linux else linux_guest.add_linux(
            guests, lambda: linux_argv(kiln_argv, f"/bin/{APP} {GUEST_PATH} {mib} {files}"))
        samples = timing.rounds(guests, args.runs,
                                lambda name, argv: run_once(name, argv, folder))

    report.io_versus(
        "ninep", samples, TESTS, ("MiB/s", 2**20), "ops/s", GOAL,
        "(under TCG both guests' CPU work is emulated; the server is QEMU's 9p code on the "
        "host either way)", "a 9p share under QEMU TCG microvm",
        {"linux": linux_desc, "mib": mib, "files": files, "under": args.under, "msize": MSIZE,
         "memory": MEMORY, "argv": guests})


if __name__ == "__main__":
    main()
