"""What a benchmark shows: its banner and command line (--quick, --runs),
figures and tables, the host it ran on, results as JSON and plots drawn
with matplotlib, all under bench/results/."""

import argparse
import json
import os
import platform as host_platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import places
import timing


def fmt(value, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value}{unit}"


def fmt_ratio(value, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}x"


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.rjust(w) if n and i else c.ljust(w)
                               for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def banner(title: str, goal: str, method: str) -> None:
    print(f"== {title}")
    print(f"goal:   {goal}")
    for n, line in enumerate(method.strip().splitlines()):
        print(("method: " if n == 0 else "        ") + line.strip())
    print(f"host:   {host_summary()}")
    print()


def verdict(met: bool | None) -> str:
    return "-" if met is None else ("MET" if met else "MISSED")


def qemu_version() -> str:
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        return "not installed"
    out = subprocess.run([qemu, "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "unknown"


def host_info() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    kvm = os.path.exists("/dev/kvm")
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": host_platform.release(),
            "python": host_platform.python_version(), "qemu": qemu_version(),
            "dev_kvm": kvm}


_HOST = None


def host_summary() -> str:
    global _HOST
    if _HOST is None:
        h = host_info()
        _HOST = (f"{h['cpu']}, {h['cores']} cores, Linux {h['kernel']}, "
                 f"Python {h['python']}, {h['qemu']}")
    return _HOST


def save_results(name: str, payload: dict) -> Path:
    places.RESULTS.mkdir(parents=True, exist_ok=True)
    path = places.RESULTS / f"{name}.json"
    doc = {"benchmark": name, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
           "command": " ".join([Path(sys.argv[0]).name] + sys.argv[1:]),
           "host": host_info(), **payload}
    path.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"results: {path.relative_to(places.REPO)}")
    return path


def pyplot():
    """matplotlib.pyplot, drawing to files; without matplotlib the benchmark
    stops with how to install it (tools/setup.sh installs the bench extra),
    since a figure that is silently missing looks like a broken benchmark."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("bench: matplotlib is not installed, and every benchmark draws its plot; "
                 "run `bash tools/setup.sh` or `python3 -m pip install 'matplotlib>=3.5'`")
    return plt


def save_plot(name: str, draw) -> Path:
    """Calls draw(plt) and saves bench/results/NAME.png."""
    plt = pyplot()
    places.RESULTS.mkdir(parents=True, exist_ok=True)
    path = places.RESULTS / f"{name}.png"
    fig = draw(plt)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"plot:    {path.relative_to(places.REPO)}")
    return path


def arg_parser(description: str, runs: int, quick_runs: int) -> argparse.ArgumentParser:
    """--quick and --runs N for every benchmark; parse with parse_args()."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true",
                   help=f"fewer runs and variants (runs={quick_runs})")
    p.add_argument("--runs", type=int, default=None,
                   help=f"runs per measurement (default {runs}, --quick {quick_runs})")
    p.set_defaults(_runs=runs, _quick_runs=quick_runs)
    return p


def parse_args(parser: argparse.ArgumentParser, argv=None) -> argparse.Namespace:
    ns = parser.parse_args(argv)
    if ns.runs is None:
        ns.runs = ns._quick_runs if ns.quick else ns._runs
    if ns.runs < 1:
        parser.error("--runs must be at least 1")
    pyplot()  # before the measuring, not after it
    return ns


def versus(figures: dict[str, dict], units: dict[str, str], goal: float,
           base: str = "Linux VM") -> dict:
    """Prints each test's figure for every guest of FIGURES ({guest: {test:
    value}}, Kiln first), Kiln / BASE and whether it reaches GOAL; the
    ratios, {test: ratio or None}."""
    rows, ratios = [], {}
    for test, unit in units.items():
        k, other = figures["Kiln"][test], figures.get(base, {}).get(test)
        ratios[test] = timing.ratio(k, other)
        met = None if ratios[test] is None else ratios[test] >= goal
        rows.append([test, unit, fmt(k), fmt(other), fmt_ratio(ratios[test]), verdict(met)])
    print(table(["test", "unit", "Kiln", base, f"Kiln / {base.split()[0]}", "goal met?"], rows))
    return ratios


def draw_versus(plt, figures: dict[str, dict], panels: list[tuple[tuple, str]], title: str):
    """Bars of FIGURES ({guest: {test: value}}) side by side, one panel per
    (tests, unit) of PANELS."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 3.2))
    for ax, (tests, unit) in zip(axes, panels):
        width = 0.8 / len(figures)
        for n, (name, figs) in enumerate(figures.items()):
            ax.bar([i + n * width for i in range(len(tests))], [figs[t] or 0 for t in tests],
                   width, label=name)
        ax.set_xticks([i + width * (len(figures) - 1) / 2 for i in range(len(tests))], tests)
        ax.set_ylabel(unit)
    axes[0].legend()
    fig.suptitle(title)
    return fig


def io_versus(name: str, samples: dict[str, list], tests: tuple, seq_unit: tuple[str, float],
              op_unit: str, goal: float, note: str, title: str, results: dict) -> None:
    """The I/O benchmarks' end (blk.py, ninep.py): from SAMPLES ({guest:
    [{test: {"bytes", "ops", "seconds"}}]}) each test's median, bytes per
    second in SEQ_UNIT (its name and bytes) for the "seq-" tests and
    operations per second (OP_UNIT) for the others; the table with NOTE
    below it, results/NAME.json (RESULTS and the figures) and the plot."""
    def figure(sample: dict, test: str) -> float:
        s = sample[test]
        per = seq_unit[1] if test.startswith("seq") else None
        return s["bytes"] / s["seconds"] / per if per else s["ops"] / s["seconds"]
    figures = {guest: {t: timing.median([figure(s, t) for s in runs]) for t in tests}
               for guest, runs in samples.items()}
    units = {t: seq_unit[0] if t.startswith("seq") else op_unit for t in tests}
    ratios = versus(figures, units, goal)
    print(note)
    save_results(name, {**results, "samples": samples, "figures": figures, "ratios": ratios})
    seq = tuple(t for t in tests if t.startswith("seq"))
    rest = tuple(t for t in tests if t not in seq)
    save_plot(name, lambda plt: draw_versus(plt, figures, [(seq, seq_unit[0]), (rest, op_unit)],
                                            title))
