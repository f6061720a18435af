"""Host C tests, one mechanism for every library.

A library (or an API, for what all its implementations share) declares its
host C programs in library.toml / api.toml and names a pytest driver:

    [host-test]
    driver = "tests/host.py"            # the checks: pytest functions
    [host-test.sched]                   # one program, built on first use
    sources = ["../tests/sched_test.c", "../tests/host_shim.c"]
    libraries = ["sched-coop"]          # and these libraries' own sources
    include = ["../tests"]              # besides every kernel include/
    config = {SCHED_COOP_STACK_SIZE = 65536}   # kn/config.h, force-included
    sanitize = ["undefined"]            # default: address and undefined
    cflags = ["-Wno-format"]            # extra host flags

tests/host/test_host.py collects every driver of the catalog (KILN_HOME's
tree when set); a driver gets its programs from `host_for(__file__)`. The
kernel's own flags come from kiln.cflags, as `kiln build` uses them."""

import atexit
import importlib.util
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from _pytest.fixtures import FixtureFunctionDefinition  # what @pytest.fixture makes

from kiln import catalog as catalog_mod
from kiln.cflags import LIBRARY_CFLAGS, kernel_cflags
from kiln.paths import kiln_root

# Host programs: the host's headers and libc, warnings as errors, and the
# first sanitizer report ends the run.
HOST_CFLAGS = ["-std=gnu11", "-O1", "-g", "-Wall", "-Wextra", "-Wno-unused-parameter",
               "-Werror", "-fno-omit-frame-pointer"]


@cache
def catalog():
    return catalog_mod.discover()


@cache
def workdir() -> Path:
    """One scratch folder per session for objects and programs."""
    path = Path(tempfile.mkdtemp(prefix="kiln-host-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def kernel_includes(lib=None) -> list[Path]:
    """Every kernel include folder of the tree (the APIs' and the
    libraries', a libc's only for `lib` itself: host programs use the
    host's C library)."""
    cat = catalog()
    libs = [l for l in cat.libraries.values() if "libc" not in l.provides or l is lib]
    return cat.include_dirs(libs)


def config_folder(config: dict, name: str) -> Path:
    """A folder holding kn/config.h with CONFIG_<key> for each entry (what
    Kconfig would generate for the image)."""
    folder = workdir() / "config" / name
    lines = []
    for key, value in config.items():
        if value is False:
            continue
        text = "1" if value is True else f'"{value}"' if isinstance(value, str) else value
        lines.append(f"#define CONFIG_{key} {text}\n")
    (folder / "kn").mkdir(parents=True, exist_ok=True)
    (folder / "kn" / "config.h").write_text("".join(lines))
    return folder


def run(cmd) -> str:
    """Runs a build step; a failure fails the test with the tool's output."""
    proc = subprocess.run(list(map(str, cmd)), capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}\n{proc.stdout}{proc.stderr}"
    return proc.stdout


class Host:
    """What a driver works with: its owner's programs (each built once per
    session) and the kernel's compile flags."""

    def __init__(self, test: catalog_mod.HostTest):
        self.test = test
        self.root = kiln_root()
        self._built: dict[tuple, Path] = {}

    @property
    def library(self):
        return catalog().libraries.get(self.test.owner)

    def program(self, name: str, impl: str | None = None) -> Path:
        """The executable of [host-test.<name>]; for an API's program,
        built with implementation `impl`'s own sources."""
        key = (name, impl)
        if key not in self._built:
            self._built[key] = self._build(name, impl)
        return self._built[key]

    def _build(self, name: str, impl: str | None) -> Path:
        spec = self.test.programs[name]
        sources, include = list(spec["sources"]), list(spec["include"])
        for other in spec["libraries"]:  # another library's own sources, as it lists them
            sources += _own_sources(other)
        label = name
        if impl is not None:  # an API's harness around one implementation
            api = self.test.owner.removeprefix("API ")
            lib = catalog().libraries[f"{api}-{impl}" if f"{api}-{impl}" in
                                      catalog().libraries else impl]
            sources = _own_sources(lib.name) + sources
            include.append(lib.dir)
            label = f"{name}-{impl}"
        out = workdir() / "programs" / f"{self.test.owner.replace(' ', '_')}-{label}"
        out.parent.mkdir(parents=True, exist_ok=True)
        sanitize = spec["sanitize"]
        flags = ([f"-fsanitize={','.join(sanitize)}", "-fno-sanitize-recover=all"]
                 if sanitize else [])
        config = config_folder(spec["config"], f"{self.test.owner}-{label}".replace(" ", "_"))
        run(["gcc", *HOST_CFLAGS, *flags, *spec["cflags"],
             *[f"-I{d}" for d in include], f"-I{config}", "-include", "kn/config.h",
             *[f"-I{d}" for d in kernel_includes(self.library)], *sources, "-o", out])
        return out

    def kernel_flags(self, platform: str = "kvm", config: dict | None = None) -> list[str]:
        """gcc and the flags a library source of an image for `platform` gets
        (kiln.cflags), with -Werror and an empty (or `config`) kn/config.h."""
        cat = catalog()
        folder = config_folder(config or {}, f"kernel-{self.test.owner}".replace(" ", "_"))
        return ["gcc", *kernel_cflags(cat.platform(platform).cflags), *LIBRARY_CFLAGS,
                "-Werror", *[f"-I{d}" for d in kernel_includes(self.library)],
                f"-I{folder}", "-include", "kn/config.h"]

    def kernel_object(self, src: Path, platform: str = "kvm") -> Path:
        """`src` compiled as the image compiles it; returns the object."""
        obj = workdir() / "kernel" / platform / f"{Path(src).name}.o"
        obj.parent.mkdir(parents=True, exist_ok=True)
        run([*self.kernel_flags(platform), "-c", src, "-o", obj])
        return obj


def _own_sources(name: str) -> list[Path]:
    """A library's `sources` (not its platform's, shared or fetched ones)."""
    lib = catalog().libraries[name]
    return [lib.dir / s for s in lib.sources if not s.startswith("@")]


def undefined_symbols(obj: Path) -> set[str]:
    """What an object needs from the rest of the image."""
    return {line.split()[-1] for line in run(["nm", "-u", obj]).splitlines() if line.strip()}


def _declared() -> list[catalog_mod.HostTest]:
    cat = catalog()
    owners = list(cat.apis.values()) + list(cat.libraries.values())
    return [o.host_test for o in owners if o.host_test and o.host_test.driver]


@cache
def _hosts() -> dict[Path, Host]:
    return {t.driver.resolve(): Host(t) for t in _declared()}


def host_for(driver_file: str) -> Host:
    """The Host of the library whose [host-test] driver is `driver_file`."""
    path = Path(driver_file).resolve()
    if path not in _hosts():
        raise LookupError(f"{path} is no library's [host-test] driver")
    return _hosts()[path]


def drivers() -> dict[str, object]:
    """Every driver's tests, renamed test_<owner>__<name> so that two
    libraries may use the same names, and its fixtures under their own
    names (they must be unique across drivers)."""
    collected: dict[str, object] = {}
    fixtures: dict[str, Path] = {}
    for test in _declared():
        owner = test.owner.removeprefix("API ").replace("-", "_")
        spec = importlib.util.spec_from_file_location(f"kiln_host_{owner}", test.driver)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, value in vars(module).items():
            if isinstance(value, FixtureFunctionDefinition):
                if name in fixtures:
                    raise NameError(f"fixture '{name}' is defined by both {fixtures[name]} and "
                                    f"{test.driver}; rename one")
                fixtures[name] = test.driver
                collected[name] = value
            elif name.startswith("test_") and callable(value):
                collected[f"test_{owner}__{name[5:]}"] = value
    return collected
