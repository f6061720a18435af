"""`kiln build`: configure when inputs changed, write the ninja file, run
ninja (compile in parallel, partial link per library, final link with
--gc-sections, strip), then print a size summary."""

import hashlib
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import __version__, autoport, fetch, freshness, kconfig, syscalls, uses
from .cflags import LIBRARY_CFLAGS, gcc_path as _gcc_path, kernel_cflags
from .errors import KilnError
from .paths import own_dirs
from .project import Project

LINK_FLAGS = ["-nostdlib", "-static", "--gc-sections", "-z", "noexecstack",
              "-z", "max-page-size=4096", "--no-warn-rwx-segments"]


@dataclass
class BuildOutcome:
    did_work: bool
    warnings: list[str]


def _object_name(lib_name: str, base: Path, src: Path, trees: dict | None = None) -> str:
    for name, f in (trees or {}).items():  # a fetched source: named by its tree
        if f.tree and src.is_relative_to(f.tree):
            return f"obj/{lib_name}/@{name}/{src.relative_to(f.tree)}.o"
    rel = os.path.relpath(src, base).replace("../", "up/")
    return f"obj/{lib_name}/{rel}.o"


def _quote(path) -> str:
    return str(path).replace("$", "$$").replace(" ", "$ ").replace(":", "$:")


def _stamp(project: Project) -> str:
    """A digest of everything configuration and the ninja file depend on."""
    h = hashlib.sha256()
    h.update(f"{__version__}\n{project.platform}\n".encode())
    # The generators themselves: a newer kiln, or another checkout of it
    # (whose libraries live elsewhere), regenerates the build files.
    h.update(str(Path(__file__).resolve().parent).encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        h.update(source.read_bytes())
    h.update(project.app.doc.text.encode())
    h.update(repr(sorted(project.overrides.config.items())).encode())
    h.update(repr(sorted(project.overrides.use.items())).encode())
    for lib in project.res.libraries:
        h.update(f"{lib.name}\0{lib.manifest}\0".encode() + lib.manifest.read_bytes())
        if lib.kconfig:
            h.update(lib.kconfig.read_bytes())
    app_kconfig = project.app.dir / "Kconfig"
    if app_kconfig.is_file():
        h.update(app_kconfig.read_bytes())
    # Fetched trees are named by a key of their inputs: a changed pin,
    # patch or build command is a new tree and a new ninja file.
    h.update(fetch.describe(project.fetches).encode())
    return h.hexdigest()


def _app_path(project: Project, text: str, what: str) -> Path:
    return fetch.resolve_ref(text, project.fetches, project.app.dir,
                             f"{project.app.path}: [app] {what}")


def _objects(project: Project) -> list[Path]:
    """Prebuilt objects and archives of the libraries and the app, in order."""
    # The app's first: ld searches an archive (a libc) only for symbols
    # undefined by the files before it.
    paths = [_app_path(project, o, "objects") for o in project.app.objects]
    paths += [lib.path(o, "objects") for lib in project.res.libraries for o in lib.objects]
    for path in paths:
        if not path.is_file():
            raise KilnError(f"object {path} does not exist; its fetch's build commands "
                            f"should make it")
    return paths


def _app_include_flags(project: Project) -> list[str]:
    """Folders only the app (and the library exporting them) sees, first on
    its path: a full libc's headers must not reach kernel libraries."""
    dirs = [lib.path(d, "app-include") for lib in project.res.libraries for d in lib.app_include]
    return [f"-I{d}" for d in dirs]


def _syscall_table(project: Project) -> Path | None:
    """The generated dispatch table, when the image has the syscall library."""
    if syscalls.DISPATCH_LIBRARY not in project.res.names():
        return None
    return project.build / syscalls.GENERATED


def _link_script_dirs(project: Project) -> list[Path]:
    """Where the final link finds scripts: the platform's folder, then
    those of the image's libraries that hold any (arch-x86-64's
    kn_tables.ld, which each platform's link.ld INCLUDEs)."""
    plat = project.res.platform
    others = [lib.dir for lib in project.res.libraries
              if lib is not plat and any(lib.dir.glob("*.ld"))]
    return [plat.dir, *others]


def _link_scripts(project: Project) -> tuple[Path, list[Path]]:
    """The platform's linker script and every script it may include."""
    plat = project.res.platform
    script = plat.dir / (plat.link_script or "link.ld")
    return script, sorted({script, *(s for d in _link_script_dirs(project)
                                     for s in d.glob("*.ld"))})


def write_ninja(project: Project, path: Path) -> None:
    from ninja import ninja_syntax

    res, app, build = project.res, project.app, project.build
    plat = res.platform
    includes = project.catalog.include_dirs(res.libraries) + [build / "include"]
    common = (kernel_cflags(plat.cflags) + [f"-I{d}" for d in includes]
              + ["-include", str(build / "include" / "kn" / "config.h")])
    app_first = _app_include_flags(project)
    script_dirs = " ".join(f"-L {d}" for d in _link_script_dirs(project))
    with open(path, "w") as f:
        n = ninja_syntax.Writer(f, width=100)
        n.comment("Generated by kiln; regenerated when kiln.toml or a library changes.")
        n.variable("ninja_required_version", "1.10")
        n.variable("cflags", " ".join(common))
        n.rule("cc", "gcc -MD -MF $out.d $cflags $libflags -c $in -o $out",
               depfile="$out.d", deps="gcc", description="CC $desc")
        n.rule("partial", "ld -r -o $out $in && objcopy --localize-hidden $out",
               description="LD $out")
        n.rule("app_partial", "ld -r -o $out $in", description="LD $out")
        n.rule("link", f"ld {' '.join(LINK_FLAGS)} {script_dirs} -T $script "
                       f"-Map=$map -o $out $in {_gcc_path('libgcc-file-name')}",
               description="LINK $out")
        n.rule("strip", "strip --strip-all -R .comment -o $out $in", description="STRIP $out")

        lib_objects = []
        for lib in res.libraries:
            objs = []
            sources = lib.sources_for(project.platform, project.with_ktests)
            if lib.name == syscalls.DISPATCH_LIBRARY:
                sources.append(build / syscalls.GENERATED)  # written by build()
            own = ([f"-I{lib.path(d, 'private-include')}" for d in lib.private_include]
                   + [f"-I{lib.path(d, 'app-include')}" for d in lib.app_include])
            for src in sources:
                obj = _object_name(lib.name, lib.dir, src, project.fetches)
                variables = {"libflags": " ".join(LIBRARY_CFLAGS + lib.cflags),
                             "desc": f"{lib.name}/{os.path.relpath(src, lib.dir)}"}
                if own:
                    variables["cflags"] = " ".join(own + common)
                n.build(obj, "cc", _quote(src), variables=variables)
                objs.append(obj)
            if objs:
                out = f"lib/{lib.name}.o"
                n.build(out, "partial", objs)
                lib_objects.append(out)
        app_objs = []
        app_flags = " ".join(app.cflags + [f"-I{_app_path(project, d, 'include')}"
                                           for d in app.include])
        for src in app.sources:
            path = _app_path(project, src, "sources")
            obj = _object_name("app", app.dir, path, project.fetches)
            variables = {"libflags": app_flags, "desc": f"{app.name}/{src}"}
            if app_first:
                variables["cflags"] = " ".join(app_first + common)
            n.build(obj, "cc", _quote(path), variables=variables)
            app_objs.append(obj)
        app_part = ["lib/app.o"] if app_objs else []  # an app may be only `objects`
        if app_objs:
            n.build("lib/app.o", "app_partial", app_objs)
        script, scripts = _link_scripts(project)
        dbg, link_map = f"{app.name}.dbg", f"{app.name}.map"
        # The map is an output too: deleted, it is made again (kiln size needs it).
        n.build(dbg, "link", lib_objects + app_part + [_quote(o) for o in _objects(project)],
                implicit=[_quote(s) for s in scripts], implicit_outputs=[link_map],
                variables={"script": _quote(script), "map": link_map})
        n.build(app.name, "strip", dbg)
        n.default(app.name)


def _ninja() -> str:
    import ninja
    return os.path.join(ninja.BIN_DIR, "ninja")


_PROGRESS = re.compile(r"^\[\d+/\d+\] ")
_UNDEFINED = re.compile(r"undefined reference to `([^']+)'")
_NO_HEADER = re.compile(r"^(\S+?):\d+:\d+: fatal error: (\S+): No such file or directory$",
                        re.M)
# Headers of the C library (ISO C and POSIX) that gcc itself does not
# provide: without "libc" in requires, nothing in the image does either.
LIBC_HEADERS = frozenset("""
    assert.h complex.h ctype.h dirent.h dlfcn.h errno.h fcntl.h fenv.h fnmatch.h
    getopt.h glob.h grp.h inttypes.h langinfo.h libgen.h locale.h malloc.h math.h
    netdb.h poll.h pthread.h pwd.h regex.h sched.h search.h semaphore.h setjmp.h
    signal.h spawn.h stdio.h stdlib.h string.h strings.h termios.h threads.h time.h
    uchar.h unistd.h utime.h wchar.h wctype.h
""".split())


def _explain_missing_header(project: Project, output: str) -> str | None:
    """A libc header that is missing because the image has no libc."""
    if "libc" in project.res.chosen:
        return None
    for match in _NO_HEADER.finditer(output):
        source, header = match.groups()
        if header in LIBC_HEADERS or header.startswith(("sys/", "arpa/", "netinet/")):
            where = os.path.relpath(source, project.app.dir)
            if where.startswith(".."):
                where = source
            return (f"{where} includes <{header}>, a libc header; add \"libc\" to "
                    f"requires in kiln.toml")
    return None


def _explain_link_error(project: Project, output: str) -> str | None:
    """For an undefined kn_* symbol, names the API header that declares it;
    for main, says the app has none."""
    match = _UNDEFINED.search(output)
    if not match:
        return None
    symbol = match.group(1)
    if symbol == "main":
        app = project.app
        if not app.sources and not app.objects:
            return (f"{app.name} has no main(): [app] sources is empty; list the file "
                    f"that defines main() in kiln.toml")
        return (f"{app.name} has no main(): none of its sources defines it; define "
                f"int main(int argc, char *argv[]) in one of them")
    for api in project.catalog.apis.values():
        if not api.dir or not (api.dir / "include").is_dir():
            continue
        for header in (api.dir / "include").rglob("*.h"):
            if re.search(rf"\b{re.escape(symbol)}\s*\(", header.read_text(errors="replace")):
                if api.name in project.res.chosen:
                    return None
                return (f"`{symbol}` belongs to API '{api.name}', which is not in the "
                        f"image; add \"{api.name}\" to requires in kiln.toml")
    return f"nothing in the image defines `{symbol}`"


def _generated(project: Project) -> list[Path]:
    """What configuring writes: when one is missing, configure again."""
    build = project.build
    files = [build / "Kconfig", build / ".config", build / "include" / "kn" / "config.h",
             build / "build.ninja", build / "kiln.stamp"]
    table = _syscall_table(project)
    return files + ([table] if table else [])


def _outputs(project: Project) -> list[Path]:
    """Every file the build makes that the image's users need."""
    files = _generated(project) + [project.image, project.dbg, project.map_file]
    return files + ([project.initrd] if project.app.rootfs else [])


def _rootfs(project: Project) -> Path:
    return project.app.dir / project.app.rootfs


def _inputs(project: Project) -> set[Path]:
    """Every file the image was made from (see kiln.freshness)."""
    app, build = project.app, project.build
    out = subprocess.run([_ninja(), "-C", str(build), "-t", "deps"], capture_output=True,
                         text=True).stdout
    # Sources and the headers they included, as gcc reported them.
    inputs = {build / line.strip() for line in out.splitlines() if line.startswith("    ")}
    inputs |= set(_objects(project)) | set(_link_scripts(project)[1])
    inputs |= {app.path, app.dir / "Kconfig", app.dir / "lib", project.settings_file}
    for lib in project.res.libraries:
        inputs |= {lib.manifest} | ({lib.kconfig} if lib.kconfig else set())
    for name in project.res.chosen:
        api = project.catalog.apis.get(name)
        if api and api.dir:
            inputs.add(api.dir / "api.toml")
    for f in project.fetches.values():
        inputs |= set(f.patches)
    # kiln itself: a newer kiln writes other build files (see _stamp).
    inputs |= set(Path(__file__).parent.glob("*.py"))
    if app.rootfs:
        from .rootfs import walk
        inputs.add(_rootfs(project))
        inputs |= {path for path, _rel in walk(_rootfs(project), own_dirs(app.dir))}
    # What the build itself generated is an output, not an input.
    return {p for p in inputs if not p.is_relative_to(build)}


def _run_ninja(build_dir: Path, jobs: int | None, verbose: bool) -> tuple[int, str]:
    """Runs ninja, its progress and the compiler's messages on stderr (stdout
    is for results); returns its status and output."""
    cmd = [_ninja(), "-C", str(build_dir)]
    if jobs:
        cmd += ["-j", str(jobs)]
    if verbose:
        cmd.append("-v")
    env = dict(os.environ, NINJA_STATUS="[%f/%t] ")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    lines = []
    out = sys.stderr
    # On a terminal the [n/total] progress line rewrites itself; in a log
    # every step gets its own line.
    live = out.isatty() and not verbose
    pending_progress = False
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("ninja: no work to do") or line.startswith("ninja: Entering"):
            continue
        if live and _PROGRESS.match(line):
            out.write("\r\033[K" + line.rstrip("\n"))
            pending_progress = True
        else:
            if pending_progress:
                out.write("\n")
                pending_progress = False
            out.write(line)
        out.flush()
    if pending_progress:
        out.write("\r\033[K")
    return proc.wait(), "".join(lines)


def build(project: Project, jobs: int | None = None, verbose: bool = False) -> BuildOutcome:
    build_dir = project.build
    build_dir.mkdir(parents=True, exist_ok=True)
    stamp_path = build_dir / "kiln.stamp"
    project.fetches = fetch.prepare(project, autoport.build_env, jobs)
    for lib in project.catalog.libraries.values():
        lib.trees = project.fetches
    fetch.check_refs(project)
    # Inputs changed from here on may or may not be in the image.
    started = time.time_ns()
    stamp = _stamp(project)
    warnings: list[str] = []
    reconfigured = False
    if not (all(p.exists() for p in _generated(project))
            and stamp_path.read_text() == stamp):
        result = kconfig.configure(project.res, project.app, project.overrides.config,
                                   build_dir, origin=str(project.settings_file))
        warnings = result.warnings
        write_ninja(project, build_dir / "build.ninja")
        stamp_path.write_text(stamp)
        reconfigured = True
    for w in warnings:
        print(f"kiln: warning: {w}", file=sys.stderr)
    # Every build, like the table below: sources change without the stamp.
    uses.check(project.res.libraries, project.platform)
    # Every build: the table follows the KN_SYSCALL definitions in the
    # sources, which the stamp does not cover (rewritten only on a change).
    table = _syscall_table(project)
    if table:
        syscalls.generate_table(project.res, table)

    rc, output = _run_ninja(build_dir, jobs, verbose)
    if rc != 0:
        hint = _explain_missing_header(project, output)
        if hint:
            print(f"kiln: hint: {hint}", file=sys.stderr)
        link_hint = _explain_link_error(project, output)
        raise KilnError("build failed" + (f": {link_hint}" if link_hint else
                                          " (the compiler's messages are above)"),
                        status=1)
    did_work = reconfigured or "no work to do" not in output
    if project.app.rootfs:
        from .rootfs import build_initrd
        before = project.initrd.stat().st_mtime_ns if project.initrd.exists() else None
        build_initrd(_rootfs(project), project.initrd, own_dirs(project.app.dir))
        did_work = did_work or project.initrd.stat().st_mtime_ns != before
    freshness.record(build_dir, _inputs(project), _outputs(project), started)
    return BuildOutcome(did_work, warnings)
