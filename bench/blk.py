"""Disk throughput: bench/native/blkbench.c on /dev/vda in the Kiln
unikernel (bench/apps/blkbench: virtio-blk behind the blkdev API) against
the same program built statically in the Debian Linux microVM (its
virtio_blk driver, O_DIRECT so its page cache stays out), both under the
same QEMU command (microvm, TCG, 128 MiB) with the same raw disk image
attached the same way: sequential 1 MiB writes (then fsync) and reads,
random 4 KiB reads, random 4 KiB writes (then fsync).

    python3 bench/blk.py [--quick] [--runs N] [--mib M] [--ops N] [--no-linux]
"""

import re
import subprocess
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
LINE = re.compile(r"^blkbench: (\S+) bytes=(\d+) ops=(\d+) seconds=([0-9.]+)$", re.M)


def linux_argv(kiln_argv: list[str], command: str) -> tuple[list[str], str]:
    """The Kiln image's QEMU command with Debian's kernel and a busybox
    initramfs whose /init loads virtio-blk, mounts devtmpfs (for
    /dev/vda) and runs COMMAND."""
    vmlinuz, busybox, desc = linux_guest.kernel_and_busybox()
    kernel, _version = linux_guest.linux_packages()
    deb = linux_guest.fetch_debs([kernel])[kernel]
    modules = linux_guest.extract_modules(deb, MODULES, linux_guest.CACHE / f"modules-{kernel}")
    bb = "/bin/busybox"
    init = (f"#!{bb} sh\n"
            + "".join(f"{bb} insmod /lib/{m}.ko\n" for m in MODULES)
            + f"{bb} mount -t devtmpfs devtmpfs /dev\n{command}\n{bb} poweroff -f\n").encode()
    initrd = linux_guest.initramfs(APP, busybox, init, {APP: images.compile_native(APP)},
                                   modules)
    argv = linux_guest.microvm_argv(kiln_argv, vmlinuz, initrd)
    m = argv.index("-M")
    argv[m + 1] = argv[m + 1].replace("acpi=off", "acpi=on")
    return argv, f"{desc}, busybox-static initramfs {initrd.stat().st_size:,} bytes"


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
    proc = subprocess.run(with_disk(argv, disk), capture_output=True, text=True, timeout=900)
    found = {m[0]: {"bytes": int(m[1]), "ops": int(m[2]), "seconds": float(m[3])}
             for m in LINE.findall(proc.stdout)}
    if "blkbench: done" not in proc.stdout or set(found) != set(TESTS):
        raise RuntimeError(f"{name}: no figures (status {proc.returncode}):\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return found


def figure(sample: dict, test: str) -> float:
    """MB/s for the sequential tests, operations per second for the random."""
    s = sample[test]
    return s["bytes"] / s["seconds"] / 1e6 if test.startswith("seq") else s["ops"] / s["seconds"]


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
    linux_desc = None
    if not args.no_linux:
        try:
            guests["Linux VM"], linux_desc = linux_argv(
                kiln_argv, f"/bin/{APP} /dev/vda {mib} {ops}")
            print(f"Linux guest: {linux_desc}")
        except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"Linux guest skipped: {exc} (needs apt-get download of Debian packages)")
    samples: dict[str, list[dict]] = {name: [] for name in guests}
    with tempfile.TemporaryDirectory(prefix="kiln-blk-") as tmp:
        for i in range(args.runs):
            for name, argv in guests.items():
                samples[name].append(run_once(name, argv, Path(tmp)))
            print(f"  round {i + 1}/{args.runs} done", flush=True)
    print()

    figures = {name: {t: timing.median([figure(s, t) for s in runs]) for t in TESTS}
               for name, runs in samples.items()}
    rows, ratios = [], {}
    for t in TESTS:
        unit = "MB/s" if t.startswith("seq") else "IOPS"
        k, lx = figures["Kiln"][t], figures.get("Linux VM", {}).get(t)
        ratios[t] = timing.ratio(k, lx)
        met = None if ratios[t] is None else ratios[t] >= GOAL
        rows.append([t, unit, report.fmt(k), report.fmt(lx), report.fmt_ratio(ratios[t]),
                     report.verdict(met)])
    print(report.table(["test", "unit", "Kiln", "Linux VM", "Kiln / Linux", "goal met?"], rows))
    print("(under TCG both guests' CPU work is emulated; the disk is the host's page cache "
          "behind QEMU's I/O either way)")
    report.save_results("blk", {"linux": linux_desc, "mib": mib, "ops": ops,
                                "memory": MEMORY, "samples": samples, "figures": figures,
                                "ratios": ratios, "argv": guests})

    def draw(plt):
        fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
        for ax, kind, unit in ((axes[0], "seq", "MB/s"), (axes[1], "rand", "IOPS")):
            tests = [t for t in TESTS if t.startswith(kind)]
            width = 0.8 / len(figures)
            for n, (name, figs) in enumerate(figures.items()):
                ax.bar([i + n * width for i in range(len(tests))],
                       [figs[t] or 0 for t in tests], width, label=name)
            ax.set_xticks([i + width * (len(figures) - 1) / 2 for i in range(len(tests))],
                          tests)
            ax.set_ylabel(unit)
        axes[0].legend()
        fig.suptitle("/dev/vda under QEMU TCG microvm")
        return fig
    report.save_plot("blk", draw)


if __name__ == "__main__":
    main()
