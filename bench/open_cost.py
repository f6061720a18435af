"""File open cost in cycles, side by side: open+close of an existing file in
the Kiln image (ramfs; direct calls, and on kvm raw `syscall` instructions)
against Linux: in a Debian Linux microVM under the same QEMU TCG command (a
file in its initramfs) for the kvm image, and on the host (a file in
/dev/shm, tmpfs) for the linuxu image.

    python3 bench/open_cost.py [--quick] [--runs N] [--no-linux]
"""

import os
import subprocess

import cycles
import images
import linux_guest
import report

GOAL = 0.5               # open+close <= half of Linux's (paper: vfscore 1637 vs 2647 cycles)
MEMORY = "128M"          # the Debian kernel does not decompress in 64 MiB
GUEST_PATH = "/etc/x"    # ramfs in the image, the initramfs (tmpfs) in the Linux VM
# (iterations per batch, batches): TCG runs the guest ~10-50x slower.
TCG_WORK = {False: (5000, 15), True: (1000, 7)}
NATIVE_WORK = {False: (50000, 15), True: (10000, 7)}
PATHS = {"kiln kvm (TCG)": ("loop", "open_close", "open_close_trap"),
         "Linux VM (TCG)": ("loop", "open_close"),
         "kiln linuxu": ("loop", "open_close"),
         "Linux host": ("loop", "open_close")}
LABELS = {"open_close": "open+close", "open_close_trap": "open+close (trap)"}


def main(argv=None):
    parser = report.arg_parser(__doc__.splitlines()[0], runs=3, quick_runs=1)
    parser.add_argument("--no-linux", action="store_true",
                        help="skip the Linux microVM (needs apt-get download once)")
    args = report.parse_args(parser, argv)
    tcg_iters, tcg_batches = TCG_WORK[args.quick]
    nat_iters, nat_batches = NATIVE_WORK[args.quick]
    host_path = f"/dev/shm/kiln-open-cost-{os.getpid()}"
    report.banner(
        "file open cost: open+close of an existing file, Kiln vs Linux",
        f"<= {GOAL}x Linux's cycles (paper: vfscore 1637 vs Linux 2647)",
        f"""open(path, O_RDONLY) then close(fd), rdtsc (after lfence) around batches of N
        pairs, the empty loop timed the same way and reported apart; batches interleave;
        medians over {args.runs} run(s) x batches. The file is created first.
        kvm: bench/apps/open_cost, {GUEST_PATH} in ramfs, direct kn_sys_open/close (shim)
        and raw `syscall` instructions (trap), under QEMU TCG microvm, {MEMORY},
        {tcg_iters:,} x {tcg_batches}; Linux VM: bench/native/open_cost (static, raw
        `syscall`), {GUEST_PATH} in the initramfs (tmpfs), Debian kernel + busybox under
        the same QEMU command; linuxu: the image as a process ({GUEST_PATH} in its ramfs)
        and the host: the native program on {host_path} (tmpfs), {nat_iters:,} x {nat_batches}.
        {cycles.TCG_CYCLES_NOTE}.""")

    kvm = images.build_bench_app("open_cost", "kvm")
    linuxu = images.build_bench_app("open_cost", "linuxu")
    native = images.compile_native("open_cost")
    tcg_args = [str(tcg_iters), str(tcg_batches), GUEST_PATH]
    nat_args = [str(nat_iters), str(nat_batches)]
    guests = {
        "kiln kvm (TCG)": (images.qemu_argv(kvm, memory=MEMORY, machine="microvm",
                                            args=tcg_args), images.QEMU_GUEST_OK),
        "kiln linuxu": (images.qemu_argv(linuxu, args=nat_args + [GUEST_PATH]), 0),
        "Linux host": ([str(native)] + nat_args + [host_path], 0),
    }
    linux_desc = None
    if not args.no_linux:
        try:
            vmlinuz, initrd, linux_desc = linux_guest.microvm_initrd(
                "open_cost", {"open_cost": native}, "/bin/open_cost " + " ".join(tcg_args))
            plain = images.qemu_argv(kvm, memory=MEMORY, machine="microvm")
            guests["Linux VM (TCG)"] = (linux_guest.microvm_argv(plain, vmlinuz, initrd), 0)
            print(f"Linux guest: {linux_desc}, busybox-static initramfs "
                  f"{initrd.stat().st_size:,} bytes")
        except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"Linux guest skipped: {exc} (needs apt-get download of Debian packages)")

    try:
        runs = cycles.run_cycle_guests(guests, args.runs, cwd=kvm.app_dir)
    finally:
        if os.path.exists(host_path):
            os.unlink(host_path)
    figures, rows = cycles.cycle_figures(runs, PATHS, lambda g, p: LABELS.get(p, p))
    print(report.table(cycles.CYCLE_HEADERS, rows))
    print()
    if "Linux VM (TCG)" in runs:
        print(f"Linux VM mitigations: {cycles.linux_mitigations(runs['Linux VM (TCG)'])}\n")

    fig = cycles.figure_lookup(figures)

    k, vm, lu, host = "kiln kvm (TCG)", "Linux VM (TCG)", "kiln linuxu", "Linux host"
    comparisons = [
        ("kvm / Linux VM (TCG)", (k, "open_close"), (vm, "open_close"), GOAL),
        ("kvm trap / Linux VM (TCG)", (k, "open_close_trap"), (vm, "open_close"), GOAL),
        ("linuxu / host", (lu, "open_close"), (host, "open_close"), GOAL),
    ]
    ratios, rows = cycles.comparison_rows(comparisons, fig)
    print(report.table(["open+close", "median", "min", "net of loop", "goal", "met?"], rows))
    print("(linuxu runs Kiln's own VFS inside the process; the host figure is the host "
          "kernel's, with whatever mitigations it runs)")

    cycles.save_cycle_results(
        "open_cost", {"linux": linux_desc, "guest_path": GUEST_PATH, "host_path": host_path},
        guests, runs, figures, ratios,
        {"tcg_work": [tcg_iters, tcg_batches], "native_work": [nat_iters, nat_batches]},
        args.runs)
    cycles.save_cycle_plot("open_cost", figures, lambda p: LABELS.get(p, p),
                           "TSC ticks per open+close (log)",
                           "open+close of an existing file (TCG rows: host ticks while emulating)",
                           size=(7, 3.5))

if __name__ == "__main__":
    main()
