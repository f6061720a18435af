"""Running kiln and building what the benchmarks boot: image variants of an
app in cached copies outside the repository, the QEMU command `kiln run
--dry-run` prints for them, the cycle benchmarks' apps and native programs.

Every benchmark runs kiln as `python3 -m kiln` with this checkout's src/
first on PYTHONPATH, so it measures the tree it lives in, whatever is
installed."""

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import places

places.use_checkout_kiln()
from kiln import platforms as kiln_platforms  # noqa: E402  (this checkout's kiln)
from kiln.catalog import implementations  # noqa: E402

# Every allocator of this checkout, the default first: a new one is measured
# as soon as its folder exists.
ALLOCATORS = tuple(implementations("alloc", root=places.REPO))
# QEMU's isa-debug-exit turns guest code N into status 2N+1: 1 is guest code 0.
QEMU_GUEST_OK = 1
# The cycle benchmarks' Kiln apps and Linux programs, and where their apps
# are built (laid out like bench/: the apps include ../../native/cycles.h).
BENCH_APPS = places.BENCH / "apps"
NATIVE = places.BENCH / "native"
BENCH_TREE = places.CACHE / "bench-tree"



def platforms() -> tuple[str, ...]:
    """Every platform of the tree (their manifests): a new one is measured
    as soon as its folder exists."""
    return kiln_platforms.names(places.REPO)

def kiln_env(bytecode_cache: bool = True) -> dict:
    """The environment kiln runs in: this checkout's src/ first, and (by
    default) Python's bytecode cache on, as in a normal install, but kept
    under the cache folder (PYTHONPYCACHEPREFIX) so nothing is written into
    the repository, even where PYTHONDONTWRITEBYTECODE is set."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(places.REPO / "src")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.pop("KILN_HOME", None)      # the tree next to src/kiln: this checkout
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(places.CACHE / "pycache")
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
    dst = places.CACHE / "apps" / f"{app}-{variant}"
    _sync_folder(places.REPO / "apps" / app, dst)
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
    args = ["build", "--plat", platform, "--use", f"alloc={alloc}"]
    if jobs:
        args += ["-j", str(jobs)]
    kiln(*args, app=app_dir)
    image = Image(app_dir, app, platform, alloc)
    if not image.path.is_file():
        raise RuntimeError(f"kiln build did not produce {image.path}")
    return image


def qemu_argv(image: Image, memory: str | None = None, machine: str | None = None,
              kernel_args: list[str] = (), args: list[str] = (),
              publish: list[str] = (), volumes: list[str] = ()) -> list[str]:
    """The exact QEMU command `kiln run --dry-run` prints for the image
    (publish: `-p` values; volumes: `-v` values)."""
    run = ["run", "--plat", image.platform, "--dry-run"]
    for p in publish:
        run += ["-p", p]
    for v in volumes:
        run += ["-v", v]
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


def without_append(argv: list[str]) -> list[str]:
    """argv without its -append option (another kernel's command line)."""
    if "-append" not in argv:
        return list(argv)
    i = argv.index("-append")
    return argv[:i] + argv[i + 2:]


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
    kiln("build", "--plat", platform, app=app_dir)
    image = Image(app_dir, app, platform, "default")
    if not image.path.is_file():
        raise RuntimeError(f"kiln build did not produce {image.path}")
    return image


def compile_native(name: str, musl: bool = False) -> Path:
    """bench/native/NAME.c as a static Linux executable (it runs from a bare
    busybox initramfs as well as on the host); with musl, by musl-gcc, the
    libc the images link."""
    gcc = require("musl-gcc", "musl-tools") if musl else require("gcc", "gcc")
    out = places.CACHE / "native"
    out.mkdir(parents=True, exist_ok=True)
    exe = out / name
    subprocess.run([gcc, "-O2", "-static", "-Wall", "-Wextra", "-o", str(exe),
                    str(NATIVE / f"{name}.c")], check=True)
    return exe


def require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if not path:
        sys.exit(f"{tool} is not installed: apt-get install {package}")
    return path


def native_copy(app: str, name: str, product: str, takes: str,
                ignore=()) -> tuple[Path, Path | None]:
    """PRODUCT (a path in the tree) of APP's [[fetch]] NAME rebuilt for the
    Linux guest, and, when it is not built yet, the fresh copy of the tree
    `kiln fetch` prepared to build it in (else None)."""
    tree = fetch_tree(app, name)
    out = places.CACHE / "native" / f"{name}-{tree.name}"
    exe = out / product
    if exe.is_file():
        return exe, None
    print(f"building {exe.name} with musl-gcc -static in {out} ({takes})", flush=True)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(tree, out, symlinks=True, ignore=shutil.ignore_patterns(*ignore))
    return exe, out


def fetch_tree(app: str, name: str) -> Path:
    """The cached tree of APP's [[fetch]] NAME, prepared by `kiln fetch` in
    the app's cached copy (the line it prints: NAME, package=version, path)."""
    out = kiln("fetch", app=app_copy(app, "fetch")).stdout
    for line in out.splitlines():
        words = line.split("\t")
        if len(words) == 3 and words[0] == name:
            return Path(words[2])
    raise RuntimeError(f"kiln fetch for {app} names no tree {name!r}:\n{out}")

