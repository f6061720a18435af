"""Helpers shared by the benchmarks: building image variants outside the
repository, asking kiln for the QEMU command, timing processes, medians,
tables, and writing results (JSON, and a PNG drawn with matplotlib).

Every benchmark runs kiln as `python3 -m kiln` with this checkout's src/ first
on PYTHONPATH, so it measures the tree it lives in, whatever is installed."""

import argparse
import json
import os
import platform as host_platform
import selectors
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
RESULTS = BENCH / "results"
CACHE = Path(os.environ.get("KILN_BENCH_CACHE", Path.home() / ".cache" / "kiln-bench"))

sys.path.insert(0, str(REPO / "src"))
from kiln.catalog import implementations  # noqa: E402  (this checkout's kiln)

# Every allocator of this checkout, the default first: a new one is measured
# as soon as its folder exists.
ALLOCATORS = tuple(implementations("alloc", root=REPO))
HELLO = b"Hello, world!"
# QEMU's isa-debug-exit turns guest code N into status 2N+1: 1 is guest code 0.
QEMU_GUEST_OK = 1


# ---------------------------------------------------------------- kiln

def kiln_env(bytecode_cache: bool = True) -> dict:
    """The environment kiln runs in: this checkout's src/ first, and (by
    default) Python's bytecode cache on, as in a normal install, but kept
    under the cache folder (PYTHONPYCACHEPREFIX) so nothing is written into
    the repository, even where PYTHONDONTWRITEBYTECODE is set."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.pop("KILN_HOME", None)      # the tree next to src/kiln: this checkout
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def kiln_argv(*args, app: Path | None = None) -> list[str]:
    """`python3 -m kiln [--app DIR] ARGS` with the interpreter running us
    (not a pyenv shim)."""
    return [sys.executable, "-m", "kiln"] + (["--app", str(app)] if app else []) + list(args)


def kiln(*args, app: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(kiln_argv(*args, app=app), env=kiln_env(), text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and proc.returncode != 0:
        raise RuntimeError(f"kiln {' '.join(args)} failed ({proc.returncode}):\n"
                           f"{proc.stdout}{proc.stderr}")
    return proc


def kiln_executables() -> tuple[str | None, str | None]:
    """(the `kiln` console script, the pyenv shim for it) when installed. A
    Python started through pyenv puts its own bin/ first on PATH, so the
    shim is looked for in PYENV_ROOT/shims as well as on PATH."""
    script = shim = None
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    if os.environ.get("PYENV_ROOT"):
        dirs.append(os.path.join(os.environ["PYENV_ROOT"], "shims"))
    dirs.append(str(Path.home() / ".pyenv" / "shims"))
    for d in dirs:
        path = Path(d) / "kiln"
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        head = path.read_bytes()[:2048]
        if b"pyenv" in head and b"bash" in head.split(b"\n", 1)[0]:
            shim = shim or str(path)
        elif head.startswith(b"#!") and b"kiln" in head:
            script = script or str(path)
    return script, shim


def app_copy(app: str = "helloworld", variant: str = "default") -> Path:
    """A copy of apps/APP under the cache (only its sources and kiln.toml;
    never its build/ or .kiln/), refreshed from the repository each call.
    Benchmarks build there, never in the repository's apps/."""
    src = REPO / "apps" / app
    dst = CACHE / "apps" / f"{app}-{variant}"
    dst.mkdir(parents=True, exist_ok=True)
    for item in src.iterdir():
        if item.name in ("build", ".kiln"):
            continue
        target = dst / item.name
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=True)
        elif not target.exists() or target.read_bytes() != item.read_bytes():
            shutil.copy2(item, target)
    return dst


@dataclass
class Image:
    app_dir: Path
    app: str
    platform: str
    alloc: str

    @property
    def path(self) -> Path:
        return self.app_dir / "build" / self.platform / self.app

    @property
    def dbg(self) -> Path:
        return self.path.with_name(self.app + ".dbg")


def build_image(app: str = "helloworld", platform: str = "kvm", alloc: str = "tlsf",
                jobs: int | None = None) -> Image:
    """Builds APP for PLATFORM with allocator ALLOC in its own cached copy
    (a no-op when it is up to date)."""
    app_dir = app_copy(app, f"{platform}-{alloc}")
    args = ["build", "-p", platform, "--use", f"alloc={alloc}"]
    if jobs:
        args += ["-j", str(jobs)]
    kiln(*args, app=app_dir)
    image = Image(app_dir, app, platform, alloc)
    if not image.path.is_file():
        raise RuntimeError(f"kiln build did not produce {image.path}")
    return image


def qemu_argv(image: Image, memory: str | None = None, machine: str | None = None,
              kernel_args: list[str] = (), args: list[str] = ()) -> list[str]:
    """The exact QEMU command `kiln run --dry-run` prints for the image."""
    run = ["run", "-p", image.platform, "--dry-run"]
    if memory:
        run += ["-m", memory]
    if machine:
        run += ["--machine", machine]
    for k in kernel_args:
        run += ["-k", k]
    for a in args:
        run += ["-a", a]
    return shlex.split(kiln(*run, app=image.app_dir).stdout.strip())


def with_option(argv: list[str], option: str, value: str) -> list[str]:
    """argv with OPTION's value replaced (e.g. "-m" -> "1200K")."""
    out = list(argv)
    i = out.index(option)
    out[i + 1] = value
    return out


def qemu_version() -> str:
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        return "not installed"
    out = subprocess.run([qemu, "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "unknown"


# ---------------------------------------------------------------- timing

@dataclass
class Timing:
    marker_s: float | None      # process start -> marker seen on stdout (None: never)
    total_s: float              # process start -> process exit (or kill)
    status: int | None          # exit status; None when killed at the timeout
    stdout: bytes = b""
    stderr: bytes = b""

    @property
    def timed_out(self) -> bool:
        return self.status is None


def timed_run(argv: list[str], marker: bytes | None = HELLO, timeout: float = 60.0,
              env: dict | None = None, cwd: Path | None = None) -> Timing:
    """Starts argv and reads its stdout pipe as it comes, noting when MARKER
    first appears; returns when the process exits (or is killed at TIMEOUT
    seconds). Times are from just before the fork."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=cwd)
    sel = selectors.DefaultSelector()
    bufs = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    for f in (proc.stdout, proc.stderr):
        os.set_blocking(f.fileno(), False)
        sel.register(f, selectors.EVENT_READ)
    marker_s = None
    killed = False
    deadline = t0 + timeout
    while sel.get_map():
        left = deadline - time.perf_counter()
        if left <= 0:
            proc.kill()
            killed = True
            break
        for key, _ in sel.select(left):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                sel.unregister(key.fileobj)
                continue
            now = time.perf_counter()
            buf = bufs[key.fd]
            buf += chunk
            if marker and marker_s is None and key.fd == out_fd and marker in buf:
                marker_s = now - t0
    status = proc.wait()
    total = time.perf_counter() - t0
    sel.close()
    proc.stdout.close()
    proc.stderr.close()
    return Timing(marker_s, total, None if killed else status,
                  bytes(bufs[out_fd]), bytes(bufs[err_fd]))


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def spread(xs):
    """(min, max) of the values that are not None."""
    xs = [x for x in xs if x is not None]
    return (min(xs), max(xs)) if xs else (None, None)


def ratio(a, b):
    return a / b if a is not None and b else None


# ---------------------------------------------------------------- output

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
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    doc = {"benchmark": name, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
           "command": " ".join([Path(sys.argv[0]).name] + sys.argv[1:]),
           "host": host_info(), **payload}
    path.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"results: {path.relative_to(REPO)}")
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
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.png"
    fig = draw(plt)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"plot:    {path.relative_to(REPO)}")
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


def require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if not path:
        sys.exit(f"{tool} is not installed: apt-get install {package}")
    return path


# ---------------------------------------------------------------- cycle benchmarks
# syscall_cost.py and open_cost.py: Kiln apps under bench/apps/ and static
# Linux programs under bench/native/ that print "bench: NAME ITERS T1 T2 ..."
# (TSC ticks per batch, bench/native/cycles.h), run side by side.

BENCH_APPS = BENCH / "apps"
NATIVE = BENCH / "native"
BENCH_TREE = CACHE / "bench-tree"
TCG_CYCLES_NOTE = ("under QEMU TCG a 'cycle' is a host TSC tick spent emulating the guest "
                   "(TCG's rdtsc reads the host TSC): compare ratios, not absolute figures")


def _sync_folder(src: Path, dst: Path) -> None:
    """Copies SRC's files into DST (skipping build/ and .kiln/), rewriting only
    what changed so ninja's no-op rebuild stays a no-op."""
    dst.mkdir(parents=True, exist_ok=True)
    for item in src.iterdir():
        if item.name in ("build", ".kiln"):
            continue
        target = dst / item.name
        if item.is_dir():
            _sync_folder(item, target)
        elif not target.exists() or target.read_bytes() != item.read_bytes():
            shutil.copy2(item, target)


def build_bench_app(app: str, platform: str) -> Image:
    """Builds bench/apps/APP for PLATFORM in a cached copy laid out like
    bench/ (apps/APP-PLATFORM beside native/), since the apps include
    ../../native/cycles.h."""
    app_dir = BENCH_TREE / "apps" / f"{app}-{platform}"
    _sync_folder(BENCH_APPS / app, app_dir)
    _sync_folder(NATIVE, BENCH_TREE / "native")
    kiln("build", "-p", platform, app=app_dir)
    image = Image(app_dir, app, platform, "default")
    if not image.path.is_file():
        raise RuntimeError(f"kiln build did not produce {image.path}")
    return image


def compile_native(name: str) -> Path:
    """bench/native/NAME.c as a static Linux executable (it runs from a bare
    busybox initramfs as well as on the host)."""
    gcc = require("gcc", "gcc")
    out = CACHE / "native"
    out.mkdir(parents=True, exist_ok=True)
    exe = out / name
    subprocess.run([gcc, "-O2", "-static", "-Wall", "-Wextra", "-o", str(exe),
                    str(NATIVE / f"{name}.c")], check=True)
    return exe


LINUX_VM_CMDLINE = "console=ttyS0 quiet panic=-1"


def host_tsc_khz() -> int | None:
    """The host CPU's clock from /proc/cpuinfo, in kHz (None if unknown)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("cpu MHz"):
                return int(float(line.split(":", 1)[1]) * 1000)
    except (OSError, ValueError):
        pass
    return None


def linux_microvm_initrd(name: str, programs: dict[str, Path],
                         command: str) -> tuple[Path, Path, str]:
    """(vmlinuz, initramfs, kernel description) for the Debian microVM of
    boot_e2e.py, with PROGRAMS in /bin and an /init that prints the CPU
    vulnerability lines the guest kernel reports (its mitigations shape a
    syscall's cost), runs COMMAND, prints "bench-exit: STATUS" and powers
    off. The initramfs is the rootfs (tmpfs); /etc exists and is empty."""
    import stat as st
    import boot_e2e              # not at the top: boot_e2e imports this module

    kernel, version = boot_e2e.linux_packages()
    debs = boot_e2e.fetch_debs([kernel, "busybox-static"])
    vmlinuz = boot_e2e.extract_vmlinuz(debs[kernel],
                                       boot_e2e.LINUX_CACHE / f"vmlinuz-{kernel}-{version}")
    bb_dir = boot_e2e.LINUX_CACHE / "busybox"
    busybox = bb_dir / "bin" / "busybox"
    if not busybox.is_file():
        subprocess.run(["dpkg-deb", "-x", str(debs["busybox-static"]), str(bb_dir)], check=True)
    bb = "/bin/busybox"
    init = (f"#!{bb} sh\n"
            f"{bb} mount -t sysfs sysfs /sys\n"
            f"{bb} grep -H . /sys/devices/system/cpu/vulnerabilities/* | "
            f"{bb} sed 's/^/bench-vuln: /'\n"
            f"{command}\n"
            f"{bb} echo \"bench-exit: $?\"\n"
            f"{bb} poweroff -f\n").encode()
    d = st.S_IFDIR | 0o755
    entries = [("bin", d, b"", (0, 0)), ("dev", d, b"", (0, 0)), ("etc", d, b"", (0, 0)),
               ("sys", d, b"", (0, 0)),
               ("dev/console", st.S_IFCHR | 0o600, b"", (5, 1)),
               ("bin/busybox", st.S_IFREG | 0o755, busybox.read_bytes(), (0, 0))]
    entries += [(f"bin/{prog}", st.S_IFREG | 0o755, path.read_bytes(), (0, 0))
                for prog, path in sorted(programs.items())]
    entries.append(("init", st.S_IFREG | 0o755, init, (0, 0)))
    image = boot_e2e.newc_cpio(entries)
    initrd = boot_e2e.LINUX_CACHE / f"initramfs-{name}.cpio"
    if not initrd.is_file() or initrd.read_bytes() != image:
        initrd.write_bytes(image)
    return vmlinuz, initrd, f"{kernel} {version}"


def linux_microvm_argv(kiln_argv: list[str], vmlinuz: Path, initrd: Path) -> list[str]:
    """A kvm image's QEMU command with the Debian kernel and initramfs in
    its place (the same machine, CPU model, memory and accelerator)."""
    argv = list(kiln_argv)
    if "-append" in argv:
        i = argv.index("-append")
        del argv[i:i + 2]
    cmdline = LINUX_VM_CMDLINE
    khz = host_tsc_khz()
    if khz:
        # Under TCG the guest's TSC is the host's. Telling the guest its rate
        # skips the PIT calibration, which fails when the host is busy and
        # then leaves the 6.1 kernel hanging; the figures are raw TSC reads
        # and do not depend on it.
        cmdline += f" tsc_early_khz={khz}"
    return with_option(argv, "-kernel", str(vmlinuz)) + [
        "-initrd", str(initrd), "-append", cmdline]


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
    t = timed_run(argv, marker=None, timeout=timeout, cwd=cwd)
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
                         fmt(c["median"]), f"{c['min']:,.1f}-{c['max']:,.1f}",
                         fmt(c.get("net"))])
    return figures, rows


CYCLE_HEADERS = ["where", "path", "batches x ops", "cycles/op", "min-max", "net of loop"]


# ---------------------------------------------------------------- fetched sources

def fetch_tree(app: str, name: str) -> Path:
    """The cached tree of APP's [[fetch]] NAME, prepared by `kiln fetch` in
    the app's cached copy (the line it prints: NAME, package=version, path)."""
    out = kiln("fetch", app=app_copy(app, "fetch")).stdout
    for line in out.splitlines():
        words = line.split("\t")
        if len(words) == 3 and words[0] == name:
            return Path(words[2])
    raise RuntimeError(f"kiln fetch for {app} names no tree {name!r}:\n{out}")


# ------------------------------------------------------------ cycle comparisons

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
        med = ratio(fig(*num), fig(*den))
        low = ratio(fig(*num, "min"), fig(*den, "min"))
        net = ratio(fig(*num, "net"), fig(*den, "net"))
        ratios[name] = {"median": med, "min": low, "net": net}
        rows.append([name, fmt_ratio(med, 3), fmt_ratio(low, 3), f"{net_prefix}{fmt_ratio(net, 3)}",
                     "" if goal is None else f"<= {goal}x",
                     "" if goal is None else verdict(None if med is None else med <= goal)])
    return ratios, rows


def save_cycle_results(name: str, extra: dict, guests: dict, runs: dict, figures: dict,
                       ratios: dict, work: dict, nruns: int) -> None:
    """Saves a cycle benchmark's results in the layout both cycle benchmarks share."""
    save_results(name, {
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
    save_plot(name, draw)
