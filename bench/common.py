"""Helpers shared by the benchmarks: building image variants outside the
repository, asking kiln for the QEMU command, timing processes, medians,
tables, and writing results (JSON, and a PNG when matplotlib is there).

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
ALLOCATORS = ("tlsf", "buddy", "region")
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


def save_plot(name: str, draw) -> Path | None:
    """Calls draw(plt) and saves bench/results/NAME.png; without matplotlib
    it only says so."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot:    skipped (matplotlib is not installed; pip install matplotlib)")
        return None
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
    return ns


def require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if not path:
        sys.exit(f"{tool} is not installed: apt-get install {package}")
    return path
