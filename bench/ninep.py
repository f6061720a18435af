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

import re
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
LINE = re.compile(r"^ninepbench: (\S+) bytes=(\d+) ops=(\d+) seconds=([0-9.]+)$", re.M)


def linux_argv(kiln_argv: list[str], command: str) -> tuple[list[str], str]:
    """The Kiln image's QEMU command (its -fsdev and device included) with
    Debian's kernel and a busybox initramfs whose /init loads 9p, mounts
    the share at GUEST_PATH and runs COMMAND."""
    vmlinuz, busybox, desc = linux_guest.kernel_and_busybox()
    kernel, _version = linux_guest.linux_packages()
    deb = linux_guest.fetch_debs([kernel])[kernel]
    modules = linux_guest.extract_modules(deb, MODULES, linux_guest.CACHE / f"modules-{kernel}")
    bb = "/bin/busybox"
    # cache=none (the default): every read and write goes to the server, as
    # in Kiln, which has no page cache.
    options = f"trans=virtio,version=9p2000.L,msize={MSIZE}"
    init = (f"#!{bb} sh\n"
            + "".join(f"{bb} insmod /lib/{m}.ko\n" for m in MODULES)
            + f"{bb} mkdir -p {GUEST_PATH}\n"
              f"{bb} mount -t 9p -o {options} {TAG} {GUEST_PATH} || {bb} echo 'mount failed'\n"
              f"{command}\n{bb} poweroff -f\n").encode()
    initrd = linux_guest.initramfs(APP, busybox, init,
                                   {APP: images.compile_native(APP, musl=True)}, modules)
    argv = linux_guest.microvm_argv(kiln_argv, vmlinuz, initrd)
    m = argv.index("-M")
    argv[m + 1] = argv[m + 1].replace("acpi=off", "acpi=on")
    return argv, (f"{desc}, busybox-static initramfs {initrd.stat().st_size:,} bytes, "
                  f"mount -o {options}")


def run_once(name: str, argv: list[str], folder: Path) -> dict[str, dict]:
    """One boot on the emptied shared folder: {test: {"bytes", "ops", "seconds"}}."""
    for item in folder.iterdir():
        subprocess.run(["rm", "-rf", str(item)], check=True)
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    found = {m[0]: {"bytes": int(m[1]), "ops": int(m[2]), "seconds": float(m[3])}
             for m in LINE.findall(proc.stdout)}
    if "ninepbench: done" not in proc.stdout or set(found) != set(TESTS):
        raise RuntimeError(f"{name}: no figures (status {proc.returncode}):\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return found


def figure(sample: dict, test: str) -> float:
    """MiB/s for the sequential tests, operations per second for the others."""
    s = sample[test]
    return s["bytes"] / s["seconds"] / 2**20 if test.startswith("seq") else s["ops"] / s["seconds"]


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
        linux_desc = None
        if not args.no_linux:
            try:
                guests["Linux VM"], linux_desc = linux_argv(
                    kiln_argv, f"/bin/{APP} {GUEST_PATH} {mib} {files}")
                print(f"Linux guest: {linux_desc}")
            except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
                print(f"Linux guest skipped: {exc} (needs apt-get download of Debian packages)")
        samples: dict[str, list[dict]] = {name: [] for name in guests}
        for i in range(args.runs):
            for name, argv in guests.items():
                samples[name].append(run_once(name, argv, folder))
            print(f"  round {i + 1}/{args.runs} done", flush=True)
    print()

    figures = {name: {t: timing.median([figure(s, t) for s in runs]) for t in TESTS}
               for name, runs in samples.items()}
    rows, ratios = [], {}
    for t in TESTS:
        unit = "MiB/s" if t.startswith("seq") else "ops/s"
        k, lx = figures["Kiln"][t], figures.get("Linux VM", {}).get(t)
        ratios[t] = timing.ratio(k, lx)
        met = None if ratios[t] is None else ratios[t] >= GOAL
        rows.append([t, unit, report.fmt(k), report.fmt(lx), report.fmt_ratio(ratios[t]),
                     report.verdict(met)])
    print(report.table(["test", "unit", "Kiln", "Linux VM", "Kiln / Linux", "goal met?"], rows))
    print("(under TCG both guests' CPU work is emulated; the server is QEMU's 9p code on the "
          "host either way)")
    report.save_results("ninep", {"linux": linux_desc, "mib": mib, "files": files,
                                  "under": args.under,
                                  "msize": MSIZE, "memory": MEMORY, "samples": samples,
                                  "figures": figures, "ratios": ratios, "argv": guests})

    def draw(plt):
        fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
        for ax, tests, unit in ((axes[0], TESTS[:2], "MiB/s"), (axes[1], TESTS[2:], "ops/s")):
            width = 0.8 / len(figures)
            for n, (name, figs) in enumerate(figures.items()):
                ax.bar([i + n * width for i in range(len(tests))],
                       [figs[t] or 0 for t in tests], width, label=name)
            ax.set_xticks([i + width * (len(figures) - 1) / 2 for i in range(len(tests))],
                          tests)
            ax.set_ylabel(unit)
        axes[0].legend()
        fig.suptitle("a 9p share under QEMU TCG microvm")
        return fig
    report.save_plot("ninep", draw)


if __name__ == "__main__":
    main()
