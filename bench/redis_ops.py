"""Redis GET and SET per second, the paper's benchmark: apps/redis (Redis
7.0.15 from Debian's source) in the Kiln unikernel against the same Redis
sources built statically with musl-gcc (MALLOC=libc, as Kiln's) in the
Debian Linux microVM, both under the same QEMU command (microvm, TCG,
256 MiB, virtio-net on QEMU's user network, port 6379 published the same
way), only kernel and initramfs swapped, and the same settings (no
persistence, one I/O thread). redis-benchmark runs the paper's command:
-n 100000 -c 30 -d 3 -k 1 -t get,set -P 16.

    python3 bench/redis_ops.py [--quick] [--runs N] [--no-linux] [--net tap]
"""

import csv
import io
import os
import subprocess

import images
import netbench
import places
import report
import timing

APP = "redis"
APP_DIR = places.REPO / "apps" / APP
MEMORY = "256M"
READY = b"Ready to accept connections"
GOAL = 1.74  # the paper: Unikraft over a Linux VM (KVM), GET and SET
REQUESTS = 100_000
# The app's redis.conf (apps/redis/rootfs/etc/redis/redis.conf) as
# redis-server's arguments, for the Linux guest.
LINUX_SETTINGS = ("--bind 0.0.0.0 --protected-mode no --port 6379 --save '' --appendonly no "
                  "--daemonize no --io-threads 1 --dir /tmp --maxclients 992")
MAKE = ["MALLOC=libc", "BUILD_TLS=no", "USE_SYSTEMD=no"]


def build_native():
    """redis-server from the tree `kiln fetch` prepared for apps/redis,
    copied and built again with musl-gcc -static (once: ~2 min)."""
    gcc = images.require("musl-gcc", "musl-tools")
    exe, out = images.native_copy(APP, "redis", "src/redis-server", "~2 min")
    if out:
        subprocess.run(["make", "distclean"], cwd=out, check=True, capture_output=True)
        subprocess.run(["make", "-C", "src", f"-j{os.cpu_count() or 1}", "redis-server",
                        f"CC={gcc}", "LDFLAGS=-static", *MAKE], cwd=out, check=True,
                       capture_output=True)
        subprocess.run(["strip", str(exe)], check=True)
    return exe


def guests(args, port: int) -> dict[str, list[str]]:
    linux = None if args.no_linux else (
        lambda: ("redis", {"redis-server": build_native()},
                 f"/bin/busybox mkdir -p /tmp\n/bin/redis-server {LINUX_SETTINGS}"))
    return netbench.guests(images.build_image(APP, "kvm"), args.net, MEMORY, port, 6379,
                           (), linux)


def redis_benchmark(host: str, port: int, requests: int,
                    namespace: str | None) -> dict[str, float]:
    out = subprocess.run(netbench.client(
        [images.require("redis-benchmark", "redis-tools"), "-h", host, "-p", str(port),
         "-n", str(requests), "-c", "30", "-d", "3", "-k", "1", "-t", "get,set", "-P", "16",
         "--csv"], namespace), capture_output=True, text=True, timeout=900).stdout
    rates = {row[0]: float(row[1]) for row in csv.reader(io.StringIO(out))
             if len(row) > 1 and row[0] in ("SET", "GET")}
    if set(rates) != {"SET", "GET"}:
        raise RuntimeError(f"redis-benchmark printed no SET and GET rates:\n{out}")
    return rates


def measure(args) -> tuple[dict, dict]:
    ports, argvs = netbench.published(lambda port: guests(args, port))

    def one_run(name, argv, port, namespace):
        host, port_in = (netbench.TAP_GUEST, 6379) if namespace else ("127.0.0.1", port)
        proc, ready = netbench.start(name, argv, port, READY, cwd=APP_DIR, namespace=namespace)
        try:
            redis_benchmark(host, port_in, REQUESTS // 10, namespace)  # warm-up
            return {**redis_benchmark(host, port_in, REQUESTS, namespace), "ready_s": ready}
        finally:
            netbench.stop(proc)
    return netbench.rounds(args, ports, argvs, one_run), argvs


def main():
    parser = report.arg_parser(__doc__.split("\n\n")[0], runs=3, quick_runs=1)
    parser.add_argument("--no-linux", action="store_true", help="Kiln only")
    netbench.add_net_option(parser)
    args = report.parse_args(parser)
    netbench.check_net(parser, args)
    report.banner(
        "Redis: GET and SET per second, Kiln vs a Linux VM",
        f"Kiln >= {GOAL}x the Linux VM for GET and SET (the paper's ratio, on KVM)",
        f"""redis-benchmark -n {REQUESTS} -c 30 -d 3 -k 1 -t get,set -P 16,
        {netbench.NET_METHOD[args.net]}; the same Redis 7.0.15 sources in both
        guests; {args.runs} runs each, alternating, median""")
    samples, argvs = measure(args)
    figures, rows = {}, []
    for name, runs in samples.items():
        figures[name] = {op: timing.median([r[op] for r in runs]) for op in ("SET", "GET")}
        figures[name]["samples"] = runs
        figures[name]["ready_s"] = timing.median([r["ready_s"] for r in runs])
        rows.append([name, len(runs), report.fmt(figures[name]["SET"], 0),
                     report.fmt(figures[name]["GET"], 0),
                     report.fmt(figures[name]["ready_s"] * 1000, 0)])
    print(report.table(["guest", "runs", "SET/s (median)", "GET/s (median)",
                        "QEMU start to ready, ms"], rows))
    print()
    ratios, met = {}, {}
    for op in ("SET", "GET"):
        ratios[op] = timing.ratio(figures.get("Kiln", {}).get(op),
                                  figures.get("Linux VM", {}).get(op))
        met[op] = None if ratios[op] is None else ratios[op] >= GOAL
        print(f"{op}: Kiln / Linux VM {report.fmt_ratio(ratios[op])} "
              f"(goal {GOAL}x: {report.verdict(met[op])})")
    print(netbench.NET_NOTE[args.net])
    report.save_results(f"redis_ops{netbench.SUFFIX[args.net]}", {
        "net": args.net, "figures": figures, "ratios": ratios, "goal": GOAL, "met": met,
        "argv": argvs})

    def draw(plt):
        fig, ax = plt.subplots(figsize=(5.5, 3.2))
        names, width = list(figures), 0.38
        for i, op in enumerate(("SET", "GET")):
            ax.bar([x + i * width for x in range(len(names))],
                   [figures[n][op] for n in names], width, label=op)
        ax.set_xticks([x + width / 2 for x in range(len(names))], names)
        ax.set_ylabel("requests/s (median)")
        ax.set_title(f"Redis, redis-benchmark -c 30 -P 16, TCG microvm, {args.net} network")
        ax.legend()
        return fig
    report.save_plot(f"redis_ops{netbench.SUFFIX[args.net]}", draw)


if __name__ == "__main__":
    main()
