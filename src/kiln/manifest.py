"""kiln.toml: what the user wants built, validated with file:line errors."""

import re
from pathlib import Path

from . import platforms, tomlfile
from .errors import KilnError
from .paths import BUILD_ENTRIES, MAX_APP_NAME
from .run.env import name_problem, value_problem
from .run.options import timeout_problem
from .tomlfile import BOOL, NUMBER, STR, STR_LIST, STR_MAP_OR_LIST

MANIFEST = "kiln.toml"
MACHINES = ("microvm", "pc")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_SIZE = re.compile(r"^(\d+)\s*([KMGkmg]?)i?[Bb]?$")

_TABLES = {"app": "a table", "choose": "a table", "config": "a table", "run": "a table",
           "fetch": "an array of tables", "mount": "an array of tables"}
_APP = {"name": STR, "summary": STR, "sources": STR_LIST, "cflags": STR_LIST,
        "include": STR_LIST, "requires": STR_LIST, "rootfs": STR, "objects": STR_LIST}
_MOUNT = {"source": STR, "path": STR, "read-only": BOOL}
_RUN = {"memory": STR, "args": STR_LIST, "kernel-args": STR_LIST, "timeout": NUMBER,
        "machine": STR, "platform": STR, "env": STR_MAP_OR_LIST, "net": STR,
        "disk": STR_LIST}
NETS = ("user", "tap")


# Plain classes, not dataclasses: `kiln run` loads this module (see kiln.runner).
class RunSettings:
    def __init__(self, memory: str | None = None, args: list[str] | None = None,
                 kernel_args: list[str] | None = None, timeout: float | None = None,
                 machine: str = "microvm", platform: str = "kvm",
                 env: dict[str, str] | None = None, net: str = "user",
                 disks: list[str] | None = None, mounts=()):
        self.memory = memory  # None: the platform's default
        self.args = args or []
        self.kernel_args = kernel_args or []
        self.timeout = timeout  # None: none
        self.machine = machine
        self.platform = platform
        self.env = env or {}  # NAME -> value, over the image's defaults
        self.net = net  # "user" (QEMU's user network) or "tap" (kiln.run.netns)
        self.disks = disks or []  # "FILE" or "FILE:ro", from the app folder (kiln.run.disks)
        self.mounts = list(mounts)  # Mount: [[mount]], the host folders kiln run shares


class Mount:
    """One [[mount]]: a host folder (relative to the app) at a guest path."""

    def __init__(self, source: Path, path: str, read_only: bool, label: str):
        self.source, self.path, self.read_only, self.label = source, path, read_only, label

    @property
    def spec(self) -> str:
        """As -v would give it (kiln.run.shares reads both the same way)."""
        return f"{self.source}:{self.path}{':ro' if self.read_only else ''}"


class AppManifest:
    def __init__(self, *, path: Path, name: str, summary: str, sources: list[str],
                 cflags: list[str], include: list[str], requires: list[str],
                 rootfs: str | None, choose: dict[str, str],
                 config: dict[str, str | int | bool], run: RunSettings,
                 doc: tomlfile.TomlDoc, objects: list[str] | None = None,
                 fetches: list | None = None):
        self.path, self.name, self.summary = path, name, summary
        self.sources, self.cflags, self.include, self.requires = sources, cflags, include, requires
        self.rootfs, self.choose, self.config, self.run, self.doc = rootfs, choose, config, run, doc
        self.objects = objects or []   # prebuilt objects/archives to link
        self.fetches = fetches or []   # [[fetch]] entries (kiln.fetchspec.Fetch)

    @property
    def dir(self) -> Path:
        return self.path.parent


def parse_size(text: str) -> int:
    """'64M' -> bytes. Raises ValueError on anything else."""
    match = _SIZE.match(text.strip())
    if not match:
        raise ValueError(text)
    return int(match.group(1)) << {"": 20, "k": 10, "m": 20, "g": 30}[match.group(2).lower()]


def find_app_dir(start: Path) -> Path:
    """The app folder: `start` or the closest parent holding kiln.toml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / MANIFEST).is_file():
            return folder
    raise KilnError(f"no {MANIFEST} in {start} or its parents; "
                    f"run `kiln init` to create an app, or pass --app DIR")


def app_dir(app: str | None) -> Path:
    """The app folder: --app DIR, else the current folder or a parent."""
    return find_app_dir(Path(app) if app else Path.cwd())


def load_app(app_dir: Path) -> AppManifest:
    # Once the app has been built, its parse is kept in build/ (see tomlfile).
    builds = app_dir / "build"
    doc = tomlfile.load(app_dir / MANIFEST, builds if builds.is_dir() else None)
    data = doc.data
    for key, value in data.items():
        if key not in _TABLES:
            raise doc.error(None, key, f"unknown table or key '{key}'; "
                                       f"known tables: [app] [choose] [config] [run] "
                                       f"[[fetch]] [[mount]]")
        if key in ("fetch", "mount"):
            continue  # checked by fetch.parse, _mounts
        if not isinstance(value, dict):
            raise doc.error(None, key, f"'{key}' must be a table: write [{key}]")
    app = data.get("app")
    if app is None:
        raise KilnError(f"{doc.path}:1: missing [app] table; add [app] with name = \"...\"")
    tomlfile.check_table(doc, "app", app, _APP, required=("name",))
    if not _NAME.match(app["name"]):
        raise doc.error("app", "name", f"app name {app['name']!r} must start with a "
                                       f"letter and use only letters, digits, - and _")
    if len(app["name"]) > MAX_APP_NAME:
        raise doc.error("app", "name", f"app name is {len(app['name'])} characters long; "
                                       f"use at most {MAX_APP_NAME}")
    if app["name"] in BUILD_ENTRIES:
        raise doc.error("app", "name", f"app name {app['name']!r} is reserved (kiln's build "
                                       f"folder uses {', '.join(BUILD_ENTRIES)}); "
                                       f"choose another name")
    choose = data.get("choose", {})
    tomlfile.check_table(doc, "choose", choose, {k: STR for k in choose})
    config = data.get("config", {})
    for key, value in config.items():
        if not isinstance(value, (str, int, bool)):
            raise doc.error("config", key, f"option '{key}' must be a string, integer "
                                           f"or boolean, not {type(value).__name__}")
    run_table = data.get("run", {})
    tomlfile.check_table(doc, "run", run_table, _RUN)
    run = RunSettings(
        memory=run_table.get("memory"),
        args=run_table.get("args", []),
        kernel_args=run_table.get("kernel-args", []),
        timeout=run_table.get("timeout"),
        machine=run_table.get("machine", "microvm"),
        platform=run_table.get("platform", "kvm"),
        env=_run_env(doc, run_table.get("env", {})),
        net=run_table.get("net", "user"),
        disks=run_table.get("disk", []),
        mounts=_mounts(doc, app_dir),
    )
    try:
        if run.memory is not None:
            parse_size(run.memory)
    except ValueError:
        raise doc.error("run", "memory", f"memory {run.memory!r} is not a size; "
                                         f"write e.g. \"64M\" or \"1G\"") from None
    if run.timeout is not None and (problem := timeout_problem(run.timeout)):
        raise doc.error("run", "timeout", f"{problem}; write e.g. 30 or 0.5, or leave "
                                          f"it out for none")
    if run.platform not in (known := platforms.names()):
        raise doc.error("run", "platform", platforms.unknown(run.platform, known))
    if run.machine not in MACHINES:
        raise doc.error("run", "machine", f"unknown machine {run.machine!r}; "
                                          f"choose one of: {', '.join(MACHINES)}")
    if run.net not in NETS:
        raise doc.error("run", "net", f"unknown network {run.net!r}; "
                                      f"choose one of: {', '.join(NETS)}")
    sources = app.get("sources", ["main.c"])
    _check_sources(doc, app_dir, sources)
    if "rootfs" in app and not (app_dir / app["rootfs"]).is_dir():
        raise doc.error("app", "rootfs", f"rootfs folder '{app['rootfs']}' does not exist "
                                         f"in {app_dir}")
    return AppManifest(
        path=doc.path, name=app["name"], summary=app.get("summary", ""),
        sources=sources, cflags=app.get("cflags", []), include=app.get("include", []),
        requires=app.get("requires", []), rootfs=app.get("rootfs"), choose=choose,
        config=config, run=run, doc=doc,
        objects=app.get("objects", []),
        fetches=_fetches(doc, app_dir, app["name"]))


SOURCE_SUFFIXES = (".c", ".S", ".s")


def _check_sources(doc: tomlfile.TomlDoc, app_dir: Path, sources: list[str]) -> None:
    """Each source once, each a C or assembly file that exists: anything
    else would reach the compiler or the linker as a puzzling error."""
    seen = {}
    for src in sources:
        if not src.endswith(SOURCE_SUFFIXES):
            raise doc.error("app", "sources", f"'{src}' is not a C or assembly source "
                                              f"({', '.join(SOURCE_SUFFIXES)}); list only "
                                              f"those in sources")
        if not src.startswith("@") and not (app_dir / src).is_file():
            raise doc.error("app", "sources", f"source file '{src}' does not exist "
                                              f"in {app_dir}")
        key = src if src.startswith("@") else str((app_dir / src).resolve())
        if key in seen:
            twice = (f"'{src}' is listed twice" if seen[key] == src
                     else f"'{seen[key]}' and '{src}' are the same file")
            raise doc.error("app", "sources", f"{twice} in sources; list it once")
        seen[key] = src


def _run_env(doc: tomlfile.TomlDoc, entries) -> dict[str, str]:
    """[run] env: { NAME = "value" } or ["NAME=value", ...]."""
    if isinstance(entries, list):
        pairs = [entry.partition("=")[::2] for entry in entries]
        for entry in entries:
            if "=" not in entry:
                raise doc.error("run", "env", f"env entry {entry!r} has no '='; "
                                              f"write \"NAME=value\"")
    else:
        pairs = list(entries.items())
    for name, value in pairs:
        problem = name_problem(name) or value_problem(value)
        if problem:
            raise doc.error("run", "env", f"env: {problem}; names are letters, digits "
                                          f"and _ (not first)")
    return dict(pairs)


def _mounts(doc: tomlfile.TomlDoc, app_dir: Path) -> list[Mount]:
    """[[mount]] tables: source (a host folder, relative to the app), path
    (absolute in the guest), read-only. Whether the folder exists is
    checked when kiln runs the app, not when it builds it."""
    entries = doc.data.get("mount", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise doc.error(None, "mount", "'mount' must be an array of tables: write [[mount]]")
    mounts = []
    for entry in entries:
        tomlfile.check_table(doc, "mount", entry, _MOUNT, required=("source", "path"))
        source, path = entry["source"], entry["path"]
        if ":" in source or ":" in path:
            raise doc.error("mount", "source", f"mount {source} -> {path}: a ':' cannot be "
                                               f"in a shared path; rename the folder")
        if not path.startswith("/"):
            raise doc.error("mount", "path", f"mount path {path!r} is not absolute; write it "
                                             f"from the root, e.g. path = \"/{path}\"")
        mounts.append(Mount(app_dir / source, path, entry.get("read-only", False),
                            f"{doc.where('mount', 'source')}: mount {source}"))
    return mounts


def _fetches(doc: tomlfile.TomlDoc, app_dir: Path, name: str) -> list:
    """The app's [[fetch]] entries; kiln.fetchspec is loaded only when there
    are some (not on a plain `kiln run`)."""
    if "fetch" not in doc.data:
        return []
    from . import fetchspec
    return fetchspec.parse(doc, app_dir, f"app {name}", for_app=True)
