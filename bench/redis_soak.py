"""Redis under redis-benchmark for ten minutes: apps/redis in the Kiln
unikernel (microvm, TCG, 256 MiB, QEMU's user network, the port published
with -p) driven without a pause by the paper's command, redis-benchmark
-n 20000 -c 30 -d 3 -k 1 -t get,set -P 16 run after run; after each run
redis-cli reads INFO memory. Per 10 s window: GET and SET per second and
the guest's memory (used_memory_rss: what the kernel's allocator has
handed out, from /proc/self/stat; used_memory: Redis's own count).
Goal: no decay (the last minute's rates within 10% of the first
minute's) and no growth (memory at the end within 1 MiB of the first
minute's).

    python3 bench/redis_soak.py [--quick] [--minutes M]
"""

import re
import subprocess
import time

import images
import netbench
import redis_ops
import report
import timing

WINDOW_S = 10
REQUESTS = 20_000
DECAY_LIMIT = 0.10
GROWTH_LIMIT = 1 << 20


def memory(port: int) -> dict[str, int]:
    out = subprocess.run([images.require("redis-cli", "redis-tools"), "-p", str(port),
                          "INFO", "memory"], capture_output=True, text=True, timeout=60).stdout
    found = dict(re.findall(r"^(used_memory(?:_rss)?):(\d+)", out, re.M))
    if set(found) != {"used_memory", "used_memory_rss"}:
        raise RuntimeError(f"INFO memory gave no used_memory(_rss):\n{out}")
    return {key: int(value) for key, value in found.items()}


def soak(argv: list[str], port: int, seconds: float) -> list[dict]:
    """One sample per redis-benchmark run: when it ended, its rates, and
    the guest's memory right after it."""
    proc, _ready = netbench.start("Kiln", argv, port, redis_ops.READY, cwd=redis_ops.APP_DIR)
    samples = []
    try:
        t0 = time.monotonic()
        while time.monotonic() - t0 < seconds:
            rates = redis_ops.redis_benchmark("127.0.0.1", port, REQUESTS, None)
            samples.append({"t": time.monotonic() - t0, **rates, **memory(port)})
    finally:
        netbench.stop(proc)
    return samples


def windows(samples: list[dict]) -> list[dict]:
    """The samples grouped by the 10 s window they ended in: mean rates,
    the memory at the window's last sample."""
    out: dict[int, list[dict]] = {}
    for s in samples:
        out.setdefault(int(s["t"] // WINDOW_S), []).append(s)
    return [{"t": (w + 1) * WINDOW_S,
             **{op: sum(s[op] for s in group) / len(group) for op in ("SET", "GET")},
             "used_memory_rss": group[-1]["used_memory_rss"],
             "used_memory": group[-1]["used_memory"]} for w, group in sorted(out.items())]


def main():
    parser = report.arg_parser(__doc__.split("\n\n")[0], runs=1, quick_runs=1)
    parser.add_argument("--minutes", type=float, default=None,
                        help="length of the soak (default 10, --quick 1)")
    args = report.parse_args(parser)
    minutes = args.minutes or (1 if args.quick else 10)
    report.banner(
        "Redis soak: throughput and guest memory over time",
        f"no decay (last minute within {DECAY_LIMIT:.0%} of the first), no growth "
        f"(memory within {GROWTH_LIMIT >> 20} MiB)",
        f"""redis-benchmark -n {REQUESTS} -c 30 -d 3 -k 1 -t get,set -P 16 back to back for
        {minutes:g} min through `-p` (QEMU user network); INFO memory after each run;
        {WINDOW_S} s windows""")
    port = netbench.free_port()
    argv = redis_ops.guests(_kiln_only(), port)["Kiln"]
    rows = windows(soak(argv, port, minutes * 60))
    print(report.table(["t, s", "SET/s", "GET/s", "used_memory_rss, KiB", "used_memory, KiB"],
                       [[r["t"], report.fmt(r["SET"], 0), report.fmt(r["GET"], 0),
                         report.fmt(r["used_memory_rss"] / 1024, 0),
                         report.fmt(r["used_memory"] / 1024, 0)] for r in rows]))
    decay, growth, no_decay, no_growth = verdicts(rows)
    print()
    print("last minute / first minute: " + ", ".join(
        f"{op} {report.fmt_ratio(d)}" for op, d in decay.items())
        + f" (no decay: {report.verdict(no_decay)})")
    print(f"memory growth after the first minute: {growth / 1024:,.0f} KiB "
          f"(no growth: {report.verdict(no_growth)})")
    report.save_results("redis_soak", {"minutes": minutes, "windows": rows, "decay": decay,
                                       "growth_bytes": growth, "no_decay": no_decay,
                                       "no_growth": no_growth, "argv": argv})

    plot(rows, minutes)


def verdicts(rows: list[dict]) -> tuple[dict, int, bool, bool]:
    """Decay: the last minute's median rates over the first minute's.
    Growth: the last minute's highest memory over the first minute's
    highest (Redis frees and takes back a 1 MiB buffer now and then, so
    single windows step by 1 MiB either way)."""
    per_minute = max(1, 60 // WINDOW_S)
    first, last = rows[:per_minute], rows[-per_minute:]
    decay = {op: timing.ratio(timing.median([r[op] for r in last]),
                              timing.median([r[op] for r in first])) for op in ("SET", "GET")}
    growth = (max(r["used_memory_rss"] for r in last)
              - max(r["used_memory_rss"] for r in first))
    no_decay = all(d is not None and d >= 1 - DECAY_LIMIT for d in decay.values())
    return decay, growth, no_decay, growth <= GROWTH_LIMIT


def plot(rows: list[dict], minutes: float) -> None:
    def draw(plt):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 4.5), sharex=True)
        t = [r["t"] for r in rows]
        for op in ("SET", "GET"):
            top.plot(t, [r[op] for r in rows], label=op)
        top.set_ylabel("requests/s")
        top.set_ylim(bottom=0)
        top.legend()
        top.set_title(f"Redis soak, {minutes:g} min, TCG microvm, user network")
        bottom.plot(t, [r["used_memory_rss"] / 1024 for r in rows], label="used_memory_rss")
        bottom.plot(t, [r["used_memory"] / 1024 for r in rows], label="used_memory")
        bottom.set_ylabel("KiB")
        bottom.set_ylim(bottom=0)
        bottom.set_xlabel("seconds")
        bottom.legend()
        return fig
    report.save_plot("redis_soak", draw)


def _kiln_only():
    """redis_ops.guests' arguments for Kiln's guest alone on the user network."""
    return type("Args", (), {"no_linux": True, "net": "user"})()


if __name__ == "__main__":
    main()
