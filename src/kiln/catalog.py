"""The catalog: every micro-library, API and platform Kiln knows.

A library is a folder with library.toml; an API is a folder with api.toml
and include/ (its contract). Libraries are found under the Kiln tree's lib/
and plat/, and under an app's own lib/ folder."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import fetchspec as fetch_mod, platforms as platforms_mod, tomlfile
from .errors import KilnError
from .paths import kiln_root
from .tomlfile import SCALAR_MAP, STR, STR_LIST, STR_LIST_MAP

_LIBRARY = {"name": STR, "summary": STR, "provides": STR_LIST, "requires": STR_LIST,
            "uses": STR_LIST,
            "sources": STR_LIST, "platform-sources": STR_LIST_MAP,
            "ktest-sources": STR_LIST, "cflags": STR_LIST, "kind": STR,
            "platform": STR, "launcher": STR, "platforms": STR_LIST, "link-script": STR,
            "include": STR_LIST, "objects": STR_LIST, "app-include": STR_LIST,
            "private-include": STR_LIST}
_API = {"name": STR, "summary": STR, "header": STR, "default": STR,
        "shared-sources": STR_LIST, "shared-ktest-sources": STR_LIST}
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
# [host-test.<program>]: a host C program for the library's host tests.
_HOST_PROGRAM = {"sources": STR_LIST, "libraries": STR_LIST, "include": STR_LIST,
                 "config": SCALAR_MAP, "sanitize": STR_LIST, "cflags": STR_LIST}
# Tables checked on their own, not as top-level keys.
_TABLES = ("fetch", "host-test")


def config_symbol(name: str) -> str:
    """A library's or API's name as Kconfig and C spell it: alloc-tlsf ->
    ALLOC_TLSF (CONFIG_LIB_ALLOC_TLSF), posix-signal -> POSIX_SIGNAL."""
    return name.upper().replace("-", "_")


@dataclass
class HostTest:
    """[host-test] of a library.toml or api.toml: the C programs (paths
    resolved) and the pytest driver that runs them (tests/hostc.py builds
    them, tests/host/test_host.py collects every driver). An API's
    programs are built once per implementation, with its own sources."""
    owner: str                      # the library or API declaring it
    manifest: Path
    driver: Path | None
    programs: dict[str, dict]       # name -> the keys of _HOST_PROGRAM


@dataclass
class Library:
    name: str
    dir: Path
    summary: str
    provides: list[str]
    requires: list[str]
    sources: list[str]
    platform_sources: dict[str, list[str]]
    ktest_sources: list[str]
    cflags: list[str]
    kind: str                 # "library" or "platform"
    platform: str | None      # for platforms: the short name (kvm, linuxu)
    platforms: list[str]      # platforms this library builds for ([] = all)
    link_script: str | None
    manifest: Path
    include: list[str] = field(default_factory=list)  # extra exported include dirs
    objects: list[str] = field(default_factory=list)  # prebuilt objects/archives to link
    app_include: list[str] = field(default_factory=list)  # include dirs for the app only
    # include dirs for this library's own sources only (an upstream tree's
    # stand-ins for libc headers, which no other library must see)
    private_include: list[str] = field(default_factory=list)
    launcher: str | None = None  # for platforms: its host side, a module of kiln.run
    fetches: list = field(default_factory=list)  # [[fetch]] entries (kiln.fetch.Fetch)
    # Every fetched tree of the image by name, set by `kiln build` before
    # "@name/..." paths are resolved.
    trees: dict = field(default_factory=dict, compare=False, repr=False)
    # What the APIs it provides share among their implementations
    # (api.toml's shared-sources and shared-ktest-sources), set by discover.
    shared_sources: list[Path] = field(default_factory=list)
    shared_ktest_sources: list[Path] = field(default_factory=list)
    host_test: HostTest | None = None
    # APIs or libraries it calls only when the image has them: never
    # pulled in; the C side tests CONFIG_HAVE_<API> / CONFIG_LIB_<LIB>.
    uses: list[str] = field(default_factory=list)
    uses_line: int = 1  # where `uses` is written, for errors found later

    def path(self, text: str, what: str = "sources") -> Path:
        """A path of this library's manifest: "@fetch/rel" or relative."""
        return fetch_mod.resolve_ref(text, self.trees, self.dir, f"{self.manifest}: {what}")

    @property
    def kconfig(self) -> Path | None:
        path = self.dir / "Kconfig"
        return path if path.is_file() else None

    @property
    def symbol(self) -> str:
        """The Kconfig/C spelling of the name: alloc-tlsf -> ALLOC_TLSF."""
        return config_symbol(self.name)

    def sources_for(self, platform: str, with_ktests: bool) -> list[Path]:
        paths = [self.path(n) for n in self.sources] + self.shared_sources
        paths += [self.path(n) for n in self.platform_sources.get(platform, [])]
        if with_ktests:
            paths += [self.path(n) for n in self.ktest_sources] + self.shared_ktest_sources
        return paths

    def syscall_definitions(self, platform: str | None = None) -> list:
        """KN_SYSCALL definitions (kiln.sysdefs.Definition) in the sources
        built for `platform`, or for any platform when None. Fetched
        (upstream) sources are not read: they define no kn_ symbols."""
        from .sysdefs import definitions
        names = self.sources + [n for plat, files in sorted(self.platform_sources.items())
                                if platform in (None, plat) for n in files]
        paths = [self.dir / n for n in names if not n.startswith("@")] + self.shared_sources
        return [d for path in paths for d in definitions(path)]

    @property
    def syscalls(self) -> list[str]:
        """The Linux system calls it implements, on any platform."""
        return [d.name for d in self.syscall_definitions()]

    def supports(self, platform: str) -> bool:
        if self.kind == "platform":
            return self.platform == platform
        return not self.platforms or platform in self.platforms


@dataclass
class Api:
    name: str
    summary: str
    header: str | None
    default: str | None
    dir: Path | None
    implementations: list[str] = field(default_factory=list)
    shared_sources: list[Path] = field(default_factory=list)
    shared_ktest_sources: list[Path] = field(default_factory=list)
    host_test: HostTest | None = None


@dataclass
class Catalog:
    libraries: dict[str, Library]
    apis: dict[str, Api]

    def platform(self, short: str) -> Library:
        for lib in self.libraries.values():
            if lib.kind == "platform" and lib.platform == short:
                return lib
        known = sorted(l.platform for l in self.libraries.values() if l.kind == "platform")
        raise KilnError(platforms_mod.unknown(short, known))

    def include_dirs(self, libs) -> list[Path]:
        """Include folders for code built with `libs`: every API's contract
        (a header of an API missing from the image is harmless: using it
        fails at link time with a hint), then the libraries' own include/."""
        dirs: list[Path] = []
        candidates = [api.dir / "include" for api in self.apis.values() if api.dir]
        for lib in libs:
            candidates += [lib.dir / "include"] + [lib.path(d, "include") for d in lib.include]
        for cand in candidates:
            if cand.is_dir() and cand not in dirs:
                dirs.append(cand)
        return dirs


def _load_library(path: Path) -> Library:
    doc = tomlfile.load(path)
    data = doc.data
    if "syscalls" in data:  # the list of the first manifests, now read from the C
        raise doc.error(None, "syscalls", "'syscalls' is not a key any more: kiln finds a "
                                          "library's system calls from its KN_SYSCALL(name) "
                                          "definitions; remove the list")
    tomlfile.check_table(doc, None, {k: v for k, v in data.items() if k not in _TABLES},
                         _LIBRARY, required=("name", "summary"))
    name = data["name"]
    if not _NAME.match(name):
        raise doc.error(None, "name", f"library name {name!r}: use lower case letters, "
                                      f"digits and -")
    per_platform = data.get("platform-sources", {})
    kind = data.get("kind", "library")
    if kind not in ("library", "platform"):
        raise doc.error(None, "kind", "kind must be \"library\" or \"platform\"")
    if kind == "platform" and "platform" not in data:
        raise doc.error(None, "kind", "a platform library needs platform = \"<short name>\"")
    if kind == "platform":
        platforms_mod.check_launcher(doc)
    if kind != "platform" and "launcher" in data:
        raise doc.error(None, "launcher", "only a platform (kind = \"platform\") has a "
                                          "launcher; remove it")
    lib = Library(
        name=name, dir=path.parent, summary=data["summary"],
        # A library that implements no shared API is an API of its own
        # (boot, vfs-pipe): requiring it by name is requiring that API.
        provides=data.get("provides", [name]), requires=data.get("requires", []),
        sources=data.get("sources", []), platform_sources=per_platform,
        ktest_sources=data.get("ktest-sources", []), cflags=data.get("cflags", []),
        kind=kind, platform=data.get("platform"), platforms=data.get("platforms", []),
        link_script=data.get("link-script"), manifest=path, launcher=data.get("launcher"),
        include=data.get("include", []),
        objects=data.get("objects", []), app_include=data.get("app-include", []),
        private_include=data.get("private-include", []),
        fetches=fetch_mod.parse(doc, path.parent, f"library {name}"),
        host_test=_load_host_test(doc, name), uses=data.get("uses", []),
        uses_line=doc.line_of(None, "uses"))
    listed = [("sources", None, lib.sources), ("ktest-sources", None, lib.ktest_sources)]
    listed += [(plat, "platform-sources", files) for plat, files in per_platform.items()]
    for key, table, files in listed:
        for src in files:
            if not src.startswith("@") and not (lib.dir / src).is_file():
                raise doc.error(table, key, f"library {name}: source '{src}' does not exist")
    return lib


def _load_host_test(doc, owner: str) -> HostTest | None:
    table = doc.data.get("host-test")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise doc.error(None, "host-test", "'host-test' must be a table: [host-test]")
    folder = doc.path.parent
    driver = table.get("driver")
    if driver is not None and not (isinstance(driver, str) and (folder / driver).is_file()):
        raise doc.error("host-test", "driver", f"{owner}: host-test driver {driver!r} must "
                                               f"name an existing Python file")
    programs = {}
    for name, program in table.items():
        if name == "driver":
            continue
        where = f"host-test.{name}"
        if not isinstance(program, dict):
            raise doc.error("host-test", name, f"unknown key '{name}' in [host-test]; it "
                                               f"holds driver and [{where}] program tables")
        tomlfile.check_table(doc, where, program, _HOST_PROGRAM, required=("sources",))
        for src in program["sources"]:
            if not (folder / src).is_file():
                raise doc.error(where, "sources", f"{owner}: source '{src}' does not exist")
        programs[name] = {"sources": [folder / s for s in program["sources"]],
                          "libraries": program.get("libraries", []),
                          "include": [folder / d for d in program.get("include", [])],
                          "config": program.get("config", {}),
                          "sanitize": program.get("sanitize", ["address", "undefined"]),
                          "cflags": program.get("cflags", [])}
    return HostTest(owner, doc.path, folder / driver if driver else None, programs)


def _load_api(path: Path) -> Api:
    doc = tomlfile.load(path)
    tomlfile.check_table(doc, None, {k: v for k, v in doc.data.items() if k != "host-test"},
                         _API, required=("name", "summary"))
    d = doc.data
    shared = {}
    for key in ("shared-sources", "shared-ktest-sources"):
        shared[key] = [path.parent / s for s in d.get(key, [])]
        for src, full in zip(d.get(key, []), shared[key]):
            if not full.is_file():
                raise doc.error(None, key, f"API {d['name']}: source '{src}' does not exist")
    return Api(name=d["name"], summary=d["summary"], header=d.get("header"),
               default=d.get("default"), dir=path.parent,
               shared_sources=shared["shared-sources"],
               shared_ktest_sources=shared["shared-ktest-sources"],
               host_test=_load_host_test(doc, f"API {d['name']}"))


def discover(extra_roots: list[Path] = (), root: Path | None = None) -> Catalog:
    """Every library and API under the Kiln tree (`root`, else kiln_root())
    and `extra_roots` (an app's lib/)."""
    root = root or kiln_root()
    roots = [root / "lib", root / "plat", *extra_roots]
    libraries: dict[str, Library] = {}
    apis: dict[str, Api] = {}
    for base in roots:
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("api.toml")):
            api = _load_api(path)
            if api.name in apis:
                raise KilnError(f"{path}: API '{api.name}' is also defined in "
                                f"{apis[api.name].dir / 'api.toml'}; rename one")
            apis[api.name] = api
        for path in sorted(base.rglob("library.toml")):
            if "tests" in path.relative_to(base).parts:
                continue
            lib = _load_library(path)
            if lib.kind == "platform" and path.parent.parent != root / platforms_mod.FOLDER:
                raise KilnError(f"{path}: a platform lives in {platforms_mod.FOLDER}/<folder>/ "
                                f"of the Kiln tree ({root}), where `kiln run` finds it "
                                f"without the catalog; move it there")
            if lib.name in libraries:
                raise KilnError(f"{path}: library '{lib.name}' is also defined in "
                                f"{libraries[lib.name].manifest}; rename one")
            libraries[lib.name] = lib
    for lib in libraries.values():
        for api in lib.provides:
            apis.setdefault(api, Api(api, lib.summary, None, None, None))
            apis[api].implementations.append(lib.name)
            lib.shared_sources += apis[api].shared_sources
            lib.shared_ktest_sources += apis[api].shared_ktest_sources
    for lib in libraries.values():
        _check_uses(lib, libraries, apis)
    return Catalog(libraries, apis)


def _check_uses(lib: Library, libraries: dict, apis: dict) -> None:
    """Every name in `uses` is a library or an API of the catalog (as
    requires must be), and not also required: an edge is optional or not."""
    for name in lib.uses:
        where = f"{lib.manifest}:{lib.uses_line}"
        if name in lib.requires:
            raise KilnError(f"{where}: {lib.name} both requires and uses '{name}'; keep it "
                            f"in requires (always needed) or in uses (optional), not both")
        if name in libraries or name in apis:
            continue
        import difflib
        close = difflib.get_close_matches(name, list(libraries) + list(apis), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise KilnError(f"{where}: {lib.name} uses unknown library or API '{name}'; "
                        f"{hint}`kiln lib list` shows what exists")


def implementations(api: str, root: Path | None = None) -> list[str]:
    """The short names of an API's implementations (alloc-buddy ->
    "buddy", what --use alloc=buddy takes), the default first, then by
    name: tests and benchmarks loop over them, so a new implementation is
    one new folder."""
    cat = discover(root=root)
    if api not in cat.apis:
        raise KilnError(f"unknown API '{api}'; `kiln lib list` shows what exists")
    default = cat.apis[api].default
    names = sorted(cat.apis[api].implementations, key=lambda n: (n != default, n))
    return [n.removeprefix(f"{api}-") for n in names]
