"""The cycle benchmarks (syscall_cost.py, open_cost.py): Kiln apps under
bench/apps/ and static Linux programs under bench/native/ that print
"bench: NAME ITERS T1 T2 ..." (TSC ticks per batch, bench/native/cycles.h),
run side by side; their figures, ratios, results and plots."""

import shlex
import statistics
from dataclasses import dataclass
from pathlib import Path

import report
import timing

TCG_CYCLES_NOTE = ("under QEMU TCG a 'cycle' is a host TSC tick spent emulating the guest "
                   "(TCG's rdtsc reads the host TSC): compare ratios, not absolute figures")


@dataclass
class CycleRun:
    info: list[str]                         # "bench-info: ..." / "bench-vuln: ..." lines
    series: dict[str, tuple[int, list[int]]]  # name -> (iterations per batch, ticks per batch)


def parse_cycles(output: bytes) -> CycleRun:
    info, series = [], {}
    for raw in output.decode(errors="replace").splitlines():
        line = raw.strip()
        if line.startswith(("bench-info:", "bench-vuln:", "bench-exit:")):
            info.append(line)
        elif line.startswith("bench: "):
            words = line.split()
            series[words[1]] = (int(words[2]), [int(w) for w in words[3:]])
    return CycleRun(info, series)


def run_cycles(argv: list[str], ok_status: int, timeout: float = 600.0,
               cwd: Path | None = None) -> CycleRun:
    """Runs one measuring program to its end and parses its figures; any
    other exit status, or a Linux guest whose program failed, is an error
    showing the end of the output."""
    t = timing.timed_run(argv, marker=None, timeout=timeout, cwd=cwd)
    run = parse_cycles(t.stdout)
    exit_line = [x for x in run.info if x.startswith("bench-exit:")]
    failed = (t.status != ok_status or not run.series
              or (exit_line and exit_line[-1] != "bench-exit: 0"))
    if failed:
        raise RuntimeError(f"{shlex.join(argv)}: status {t.status}, output ends:\n"
                           f"{t.stdout[-1500:].decode(errors='replace')}"
                           f"{t.stderr[-800:].decode(errors='replace')}")
    return run


def merge_cycles(runs: list[CycleRun]) -> CycleRun:
    """Batches of several runs of one program pooled per series."""
    info, series = [], {}
    for run in runs:
        info += [x for x in run.info if x not in info]
        for name, (iters, ticks) in run.series.items():
            series.setdefault(name, (iters, []))[1].extend(ticks)
    return CycleRun(info, series)


def cycles_per_op(run: CycleRun, name: str) -> dict | None:
    """Median, min and max ticks per operation over the batches of series
    NAME, and the same net of the empty loop's median ("loop" series)."""
    if name not in run.series:
        return None
    iters, ticks = run.series[name]
    per_op = [t / iters for t in ticks]
    out = {"iters": iters, "batches": len(ticks), "median": statistics.median(per_op),
           "min": min(per_op), "max": max(per_op), "samples": per_op}
    if name != "loop" and "loop" in run.series:
        out["net"] = out["median"] - cycles_per_op(run, "loop")["median"]
    return out


def linux_mitigations(run: CycleRun) -> str:
    """The guest kernel's CPU vulnerability lines that are not "Not affected"."""
    out = [x.split("/vulnerabilities/", 1)[1].replace(":", ": ", 1) for x in run.info
           if "/vulnerabilities/" in x and not x.endswith(":Not affected")]
    return "; ".join(out) or "none reported"


def run_cycle_guests(guests: dict[str, tuple[list[str], int]], runs: int,
                     cwd: Path | None = None) -> dict[str, CycleRun]:
    """Runs every guest (name -> (argv, exit status that means success))
    RUNS times, alternating guests within each round, and pools the batches."""
    pooled = {name: [] for name in guests}
    for _ in range(runs):
        for name, (argv, ok) in guests.items():
            pooled[name].append(run_cycles(argv, ok, cwd=cwd))
    return {name: merge_cycles(r) for name, r in pooled.items()}


def cycle_figures(runs: dict[str, CycleRun], paths: dict[str, tuple[str, ...]],
                  label=lambda guest, path: path) -> tuple[dict, list[list]]:
    """({(guest, path): cycles_per_op}, table rows) for the PATHS (series
    names) of each guest that ran."""
    figures, rows = {}, []
    for guest, run in runs.items():
        for path in paths.get(guest, ()):
            c = cycles_per_op(run, path)
            if c is None:
                continue
            figures[(guest, path)] = c
            rows.append([guest, label(guest, path), f"{c['batches']} x {c['iters']:,}",
                         report.fmt(c["median"]), f"{c['min']:,.1f}-{c['max']:,.1f}",
                         report.fmt(c.get("net"))])
    return figures, rows


CYCLE_HEADERS = ["where", "path", "batches x ops", "cycles/op", "min-max", "net of loop"]


def figure_lookup(figures: dict):
    """fig(guest, path, key="median") over cycle_figures' result; None when
    that guest or path was not measured."""
    def fig(guest, path, key="median"):
        c = figures.get((guest, path))
        return c.get(key) if c else None
    return fig


def comparison_rows(comparisons, fig, net_prefix=""):
    """Ratios of (name, numerator, denominator, goal) comparisons, each over
    medians, fastest batches ("min") and loop-corrected ("net") figures:
    returns ({name: ratios}, table rows). A goal of None is not judged."""
    ratios, rows = {}, []
    for name, num, den, goal in comparisons:
        med = timing.ratio(fig(*num), fig(*den))
        low = timing.ratio(fig(*num, "min"), fig(*den, "min"))
        net = timing.ratio(fig(*num, "net"), fig(*den, "net"))
        ratios[name] = {"median": med, "min": low, "net": net}
        rows.append([name, report.fmt_ratio(med, 3), report.fmt_ratio(low, 3),
                     f"{net_prefix}{report.fmt_ratio(net, 3)}",
                     "" if goal is None else f"<= {goal}x",
                     "" if goal is None else report.verdict(None if med is None else med <= goal)])
    return ratios, rows


def save_cycle_results(name: str, extra: dict, guests: dict, runs: dict, figures: dict,
                       ratios: dict, work: dict, nruns: int) -> None:
    """Saves a cycle benchmark's results in the layout both cycle benchmarks share."""
    report.save_results(name, {
        **extra, **work, "runs": nruns, "note": TCG_CYCLES_NOTE,
        "guests": {g: {"argv": guests[g][0], "info": runs[g].info} for g in guests},
        "figures": [{"where": g, "path": p, **c} for (g, p), c in figures.items()],
        "ratios": ratios})


def save_cycle_plot(name: str, figures: dict, label, ylabel: str, title: str,
                    size=(7.5, 3.8)) -> None:
    """A log-scale bar per measured path but the bare loop."""
    def draw(plt):
        fig_, ax = plt.subplots(figsize=size)
        keys = [key for key in figures if key[1] != "loop"]
        ax.bar([f"{g}\n{label(p)}" for g, p in keys], [figures[key]["median"] for key in keys])
        ax.set_yscale("log")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.tick_params(axis="x", labelsize=7)
        return fig_
    report.save_plot(name, draw)
