"""Memory floor: the smallest guest RAM (QEMU -m, in KiB) with which the
helloworld image still prints "Hello, world!" and exits with code 0, per
allocator, on QEMU microvm and pc. --app takes another app (copied from
apps/) and the line that says it succeeded.

    python3 bench/memory_floor.py [--quick] [--runs N] [--timeout S]
                                  [--app NAME [--marker TEXT] [--goal-kib N]]
"""

import images
import report
import timing

GOAL_KIB = 2048
# Apps with a known success line, goal and per-boot timeout (a boot slower
# than it counts as a hang); --marker/--goal-kib/--timeout override them.
APPS = {"helloworld": (timing.HELLO, GOAL_KIB, 2.5),
        "sqlite-bench": (b"inserts=60000 ", 3072, 15.0),
        # A server succeeds once it says it serves (it is stopped then).
        "redis": (b"Ready to accept connections", 6144, 30.0),
        # nginx's last notice before its event loop, on stderr.
        "nginx": (b"getrlimit(RLIMIT_NOFILE)", 4096, 30.0)}
SERVERS = {"redis", "nginx"}
START_HI_KIB = 4096       # first upper bound; doubled while it fails
CHECK_SPAN_KIB = 1024     # how far above the floor the grid check goes
LOAD_KIB = 1024           # the PVH image is linked at 1 MiB: less RAM cannot hold it


def classify(t: timing.Timing, marker: bytes = timing.HELLO,
             server: bool = False) -> tuple[bool, str]:
    """(passed, what happened) for one boot; a server passes once it says
    it serves (timed_run stops it there)."""
    hello = marker in t.stdout or (server and marker in t.stderr)
    if server and hello:
        return True, "ok"
    kn = next((l.strip() for l in t.stderr.decode(errors="replace").splitlines()
               if l.startswith("kn: ")), "")  # kernel messages: the guest's stderr
    if t.timed_out:
        return False, "hang (killed at the timeout)"
    if t.status == images.QEMU_GUEST_OK:
        if hello:
            return True, "ok"
        if b"\0" in t.stdout:
            return False, "exit 0 but NUL bytes instead of the hello line"
        return False, "exit 0 without the success line" + (f" ({kn})" if kn else "")
    if t.status == 0:
        return False, "reset/shutdown without an exit code"
    if t.status & 1:
        # Else the app's last line (e.g. SQLite's "out of memory") says why.
        out = (t.stdout + t.stderr).decode(errors="replace")
        last = [l.strip() for l in out.splitlines() if l.strip()]
        why = kn or (last[-1][:100] if last else "")
        return False, f"guest exit {t.status >> 1}" + (f": {why}" if why else "")
    return False, f"QEMU status {t.status}"


class Prober:
    def __init__(self, argv, runs, timeout, marker: bytes = timing.HELLO, server: bool = False):
        self.argv, self.runs, self.timeout, self.marker = argv, runs, timeout, marker
        self.server = server
        self.seen: dict[int, tuple[bool, str]] = {}

    def __call__(self, kib: int) -> bool:
        if kib not in self.seen:
            result = (True, "ok")
            for _ in range(self.runs):
                t = timing.timed_run(images.with_option(self.argv, "-m", f"{kib}K"),
                                     marker=self.marker, timeout=self.timeout,
                                     stop_at_marker=self.server)
                result = classify(t, self.marker, self.server)
                if not result[0]:
                    break
            self.seen[kib] = result
        return self.seen[kib][0]


def search(probe: Prober, grid_kib: int):
    """Binary search for the smallest passing size, then a check of every
    GRID_KIB step over the CHECK_SPAN_KIB above it: a failure there restarts
    the search above that failure. Returns (floor, upper bound, islands of
    passing sizes below the floor)."""
    hi = START_HI_KIB
    while not probe(hi):
        hi *= 2
        if hi > 1 << 22:
            raise RuntimeError("the app does not succeed even with 4 GiB")
    lo = LOAD_KIB
    while probe(lo):
        lo //= 2
        if lo < 1:
            return 1, hi, []
    top = hi
    while True:
        a, b = lo, hi                   # a fails, b passes
        while b - a > 1:
            mid = (a + b) // 2
            if probe(mid):
                b = mid
            else:
                a = mid
        floor = b
        check_to = min(top, floor + CHECK_SPAN_KIB)
        failing = [k for k in range(floor + grid_kib, check_to + 1, grid_kib)
                   if not probe(k)]
        if not failing:
            break
        lo, hi = max(failing), top
    # Below the floor: sizes that pass anyway show the failures are not just
    # "too little RAM". Stop at the first hang (they cost the whole timeout).
    for k in range(floor - grid_kib, max(floor - CHECK_SPAN_KIB // 4, LOAD_KIB), -grid_kib):
        probe(k)
        if probe.seen[k][1].startswith("hang"):
            break
    islands = sorted(k for k, (ok, _) in probe.seen.items() if ok and k < floor)
    return floor, top, islands


def runs_of(failures):
    """[(kib, what)] sorted by size -> [(first, last, count, what)] for
    neighbours that failed the same way."""
    out = []
    for kib, what in failures:
        if out and out[-1][3] == what:
            out[-1][1], out[-1][2] = kib, out[-1][2] + 1
        else:
            out.append([kib, kib, 1, what])
    return [tuple(r) for r in out]


def measure_floors(app: str, marker: bytes, allocators, machines, runs: int,
                   timeout: float, grid: int) -> list[dict]:
    """The floor of APP's kvm image per allocator and machine (one row each)."""
    rows = []
    for alloc in allocators:
        image = images.build_image(app, "kvm", alloc)
        for machine in machines:
            probe = Prober(images.qemu_argv(image, machine=machine), runs, timeout, marker,
                           server=app in SERVERS)
            floor, top, islands = search(probe, grid)
            below = probe.seen.get(floor - 1, (False, "not tried"))[1]
            failures = sorted((k, what) for k, (ok, what) in probe.seen.items()
                              if not ok and k > min(islands, default=floor))
            rows.append({"app": app, "alloc": alloc, "machine": machine, "floor_kib": floor,
                         "checked_up_to_kib": top, "below_floor": below,
                         "passing_islands_below_floor_kib": islands,
                         "failures_above_first_pass": failures,
                         "probes": len(probe.seen)})
            print(f"  {alloc:6} {machine:7} floor {floor} KiB after {len(probe.seen)} "
                  f"probes; at {floor - 1} KiB: {below}", flush=True)
    return rows


def print_floors(rows: list[dict], goal_kib: int) -> None:
    """Rows with "reference" set are shown for comparison (another
    configuration) and left out of the verdict."""
    print(report.table(
        ["alloc", "machine", "floor KiB", "MiB", "goal / floor", "goal", "at floor-1 KiB"],
        [[r["alloc"], r["machine"], report.fmt(r["floor_kib"]),
          report.fmt(r["floor_kib"] / 1024, 2), report.fmt_ratio(goal_kib / r["floor_kib"]),
          "(ref.)" if r.get("reference") else report.verdict(r["floor_kib"] <= goal_kib),
          r["below_floor"]] for r in rows]))
    odd = [r for r in rows if r["passing_islands_below_floor_kib"]]
    if odd:
        print()
        print("not monotonic: sizes below the floor that passed, and what failed between:")
        for r in odd:
            isl = r["passing_islands_below_floor_kib"]
            print(f"  {r['alloc']}/{r['machine']}: passed at {', '.join(map(str, isl))} KiB")
            for first, last, count, what in runs_of(r["failures_above_first_pass"]):
                sizes = f"{first} KiB" if count == 1 else f"{first}-{last} KiB ({count} sizes)"
                print(f"      {sizes}: {what}")
    print()
    worst = max(r["floor_kib"] for r in rows if not r.get("reference"))
    print(f"highest floor: {worst} KiB = {worst / 1024:.2f} MiB, "
          f"{goal_kib / worst:.2f}x under the {goal_kib} KiB goal: "
          f"{report.verdict(worst <= goal_kib)}")


def main(argv=None):
    parser = report.arg_parser(__doc__.splitlines()[0], runs=1, quick_runs=1)
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per boot before it counts as a hang "
                             "(default 2.5; sqlite-bench 15)")
    parser.add_argument("--app", default="helloworld",
                        help="app under apps/ (default helloworld)")
    parser.add_argument("--marker", default=None,
                        help="output text that means success (known for "
                             f"{', '.join(APPS)}; required for other apps)")
    parser.add_argument("--goal-kib", type=int, default=None, help="the goal in KiB")
    args = report.parse_args(parser, argv)
    known = APPS.get(args.app)
    if known is None and args.marker is None:
        parser.error(f"--marker is required for app {args.app!r}")
    marker = args.marker.encode() if args.marker is not None else known[0]
    goal_kib = args.goal_kib or (known[1] if known else GOAL_KIB)
    timeout = args.timeout or (known[2] if known else 2.5)
    allocators = ("tlsf",) if args.quick else images.ALLOCATORS
    machines = ("microvm", "pc")
    grid = 32 if args.quick else 8
    report.banner(
        f"memory floor: smallest -m with which {args.app} succeeds",
        f"<= {goal_kib} KiB ({goal_kib / 1024:g} MiB)",
        f"""binary search on QEMU -m in 1 KiB steps over the command `kiln run --dry-run`
        prints (QEMU TCG; the app's [run] args); a size passes when every one of {args.runs}
        boot(s) prints {marker.decode()!r} and {"(a server) is stopped there" if args.app in
        SERVERS else "exits with guest code 0"}; a boot is a hang after {timeout} s.
        Then every {grid} KiB over the {CHECK_SPAN_KIB} KiB above the floor is booted too; a
        failure there restarts the search above it (so the floor is the size from
        which every size tried passes). Sizes down to {CHECK_SPAN_KIB // 4} KiB below the floor
        are booted as well, to show failures that are not a plain lack of RAM.""")
    rows = measure_floors(args.app, marker, allocators, machines, args.runs, timeout, grid)
    print()
    print_floors(rows, goal_kib)
    # helloworld keeps its historical file name; other apps get their own.
    name = "memory_floor" if args.app == "helloworld" else f"memory_floor-{args.app}"
    report.save_results(name, {"app": args.app, "marker": marker.decode(),
                               "goal_kib": goal_kib, "runs_per_probe": args.runs,
                               "timeout_s": timeout, "grid_kib": grid, "floors": rows})

    def draw(plt):
        fig, ax = plt.subplots(figsize=(6, 3))
        labels = [f"{r['alloc']}\n{r['machine']}" for r in rows]
        ax.bar(labels, [r["floor_kib"] for r in rows])
        ax.axhline(goal_kib, color="red", linestyle="--", label=f"goal {goal_kib / 1024:g} MiB")
        ax.set_ylabel("KiB")
        ax.set_title(f"{args.app} memory floor")
        ax.legend()
        return fig
    report.save_plot(name, draw)
    return rows


if __name__ == "__main__":
    main()
