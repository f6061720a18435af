"""Build time: helloworld from clean (`kiln clean` then `kiln build`) and a
no-op rebuild (`kiln build` again), for kvm and linuxu.

    python3 bench/build_time.py [--quick] [--runs N] [-j N]
"""

import os

import images
import report
import timing

CLEAN_GOAL_S = 3.0
NOOP_GOAL_S = 0.3
UNIKRAFT_CLEAN_S = 5.7     # Unikraft's helloworld on this kind of machine, as stated in the brief


def timed(argv, env, cwd=None) -> float:
    t = timing.timed_run(argv, marker=None, timeout=600, env=env, cwd=cwd)
    if t.status != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({t.status}):\n"
                           f"{t.stdout.decode(errors='replace')[-2000:]}"
                           f"{t.stderr.decode(errors='replace')[-2000:]}")
    return t.total_s


def main(argv=None):
    parser = report.arg_parser(__doc__.splitlines()[0], runs=5, quick_runs=2)
    parser.add_argument("-j", "--jobs", type=int, default=None,
                        help="kiln build -j N (default: kiln's default, ninja's own)")
    args = report.parse_args(parser, argv)
    platforms = ("kvm",) if args.quick else images.platforms()
    jobs = ["-j", str(args.jobs)] if args.jobs else []
    build_args = " ".join(["build", "--plat", "P", *jobs])
    report.banner(
        "build time: helloworld from clean and no-op rebuild",
        f"clean build <= {CLEAN_GOAL_S} s (Unikraft helloworld: ~{UNIKRAFT_CLEAN_S} s), "
        f"no-op rebuild <= {NOOP_GOAL_S} s",
        f"""`python3 -m kiln clean --plat P` (untimed), then `python3 -m kiln {build_args}`
        (timed: the whole process, from fork to exit), then the same build again (no-op);
        in a cached copy of apps/helloworld, {os.cpu_count()} cores, median of {args.runs} runs,
        platforms alternating. The same no-op build through the `kiln` console script
        and the pyenv shim shows what the shim adds. Python's bytecode cache is on
        (kept under the cache folder), as in a normal install.""")
    env = images.kiln_env()
    app_dir = images.app_copy("helloworld", "build-time")
    images.kiln("build", "--plat", platforms[0], app=app_dir)      # warm the page cache once

    clean = {p: [] for p in platforms}
    noop = {p: [] for p in platforms}
    for _ in range(args.runs):
        for p in platforms:
            images.kiln("clean", "--plat", p, app=app_dir)
            clean[p].append(timed(images.kiln_argv("build", "--plat", p, *jobs, app=app_dir), env))
            noop[p].append(timed(images.kiln_argv("build", "--plat", p, *jobs, app=app_dir), env))

    # the same no-op build through each way of starting kiln
    script, shim = images.kiln_executables()
    starters = [("python3 -m kiln", images.kiln_argv(), env)]
    if script:
        starters.append(("kiln (console script)", [script], env))
    if shim:
        starters.append(("kiln (pyenv shim)", [shim], env))
    starters.append(("python3 -m kiln, no .pyc cache", images.kiln_argv(),
                     images.kiln_env(bytecode_cache=False)))
    starter_s = {name: [] for name, _, _ in starters}
    for _ in range(args.runs):
        for name, base, senv in starters:
            starter_s[name].append(timed(base + ["build", "--plat", platforms[0]], senv,
                                         cwd=app_dir))

    rows, results = [], []
    for p in platforms:
        c, n = timing.median(clean[p]), timing.median(noop[p])
        results.append({"platform": p, "clean_s": c, "noop_s": n,
                        "clean_samples_s": clean[p], "noop_samples_s": noop[p]})
        rows.append([p, report.fmt(c, 2), f"{min(clean[p]):.2f}-{max(clean[p]):.2f}",
                     report.fmt_ratio(CLEAN_GOAL_S / c), report.verdict(c <= CLEAN_GOAL_S),
                     report.fmt_ratio(UNIKRAFT_CLEAN_S / c, 1),
                     report.fmt(n * 1000, 0), report.fmt_ratio(NOOP_GOAL_S / n),
                     report.verdict(n <= NOOP_GOAL_S)])
    print(report.table(["platform", "clean s", "min-max", "goal/clean", "goal",
                        "Unikraft/kiln", "no-op ms", "goal/no-op", "goal"], rows))
    print()
    base = timing.median(starter_s["python3 -m kiln"])
    print(f"no-op `build --plat {platforms[0]}` by how kiln is started (median of {args.runs}):")
    print(report.table(["started as", "ms", "over python3 -m kiln"],
                       [[name, report.fmt(1000 * timing.median(v), 0),
                         report.fmt(1000 * (timing.median(v) - base), 0)]
                        for name, v in starter_s.items()]))
    report.save_results("build_time", {
        "runs": args.runs, "jobs": args.jobs, "cores": os.cpu_count(),
        "builds": results,
        "starters": [{"name": n, "noop_s": timing.median(v), "samples_s": v}
                     for n, v in starter_s.items()]})

    def draw(plt):
        fig, ax = plt.subplots(figsize=(6, 3))
        labels = [r["platform"] for r in results]
        ax.bar([f"{l}\nclean" for l in labels], [r["clean_s"] for r in results])
        ax.bar([f"{l}\nno-op" for l in labels], [r["noop_s"] for r in results])
        ax.axhline(CLEAN_GOAL_S, color="red", linestyle="--", label="clean goal")
        ax.set_ylabel("s")
        ax.set_title("helloworld build time")
        ax.legend()
        return fig
    report.save_plot("build_time", draw)


if __name__ == "__main__":
    main()
