"""Autoport: building an upstream app with its own build system (configure,
make) against Kiln's musl, then linking the result into an image.

Two pieces:
- `build_env(project)`: the environment for such a build (CC, AR, RANLIB,
  the --host triple, where musl is). fetch.py adds it to the environment of
  the build commands of fetches declared by an app; `kiln env` runs any
  command with it.
- `kiln-cc` (`python3 -m kiln.autoport cc ...`), the compiler wrapper that
  CC points to. Compiling, it uses musl's headers and the flags kernel code
  needs. Linking `-o PROG`, it does two things: it links a static PROG
  against musl plus stubs for the kernel functions musl calls, so that an
  undefined function fails the link just as it would on Linux (configure's
  link tests stay honest), and it writes PROG.kiln.o, a relocatable object
  with the program's code (its objects and the members of its own archives
  that it uses) and no libc, which kiln links into the image
  (`objects = ["@name/PROG.kiln.o"]`).
"""

import hashlib
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import KilnError

HOST_TRIPLE = "x86_64-linux-musl"

# Code that runs in a single ring-0 address space: no red zone (interrupts
# use the interrupted stack on kvm), no stack protector (no canary set up),
# position dependent, frame pointers for kiln's backtraces, one section per
# function so the image's --gc-sections drops what is unused.
KERNEL_CFLAGS = [
    "-fno-stack-protector", "-fno-pic", "-fno-pie", "-mno-red-zone",
    "-fno-omit-frame-pointer", "-ffunction-sections", "-fdata-sections",
    "-fno-asynchronous-unwind-tables", "-fcf-protection=none", "-m64",
]
# Libraries that are part of musl's libc.a: dropped from links.
LIBC_PARTS = {"c", "m", "pthread", "dl", "rt", "util", "xnet", "crypt", "resolv"}
# Environment variables the wrapper reads (set by build_env).
ENV_INCLUDE = "KILN_CC_INCLUDE"   # musl include folders, os.pathsep-separated
ENV_LIBC = "KILN_CC_LIBC"         # musl's libc.a
ENV_STUBS = "KILN_CC_STUBS"       # archive of stubs for the kernel calls in libc.a
SOURCE_SUFFIXES = (".c", ".s", ".S", ".i")


class AutoportError(KilnError):
    pass


# ---------------------------------------------------------------------------
# Where musl is


def _cache_root() -> Path:
    from .fetch import cache_root
    return cache_root()


def musl_layout(root: Path) -> tuple[list[Path], Path]:
    """The include folders and libc.a of a musl tree: an installed prefix
    (include/, lib/libc.a) or a source tree built in place (arch/, obj/)."""
    root = Path(root)
    libc = root / "lib" / "libc.a"
    installed = [root / "dist" / "include", root / "include"]  # make install-headers
    headers = [d for d in installed if (d / "bits" / "alltypes.h").is_file()]
    if headers:
        includes = headers[:1]
    else:
        includes = [root / "arch" / "x86_64", root / "arch" / "generic",
                    root / "obj" / "include", root / "include"]
    missing = [p for p in [libc, *includes] if not p.exists()]
    if missing:
        raise AutoportError(f"{root} is not a built musl tree: {missing[0]} is missing")
    return includes, libc


def musl_paths(project) -> tuple[list[Path], Path]:
    """The include folders and libc.a of the image's libc-musl, as its
    library.toml declares them (`app-include`, the archive in `objects`);
    $KILN_MUSL (a built musl tree) overrides them."""
    if os.environ.get("KILN_MUSL"):
        return musl_layout(Path(os.environ["KILN_MUSL"]))
    libs = {lib.name: lib for lib in project.res.libraries}
    lib = libs.get("libc-musl")
    if lib is None:
        raise AutoportError(
            "autoport builds against musl, but this image's libc is "
            f"{project.res.chosen.get('libc', 'not in the image')}; in kiln.toml, add "
            "\"libc\" to [app] requires and write [choose] libc = \"libc-musl\"")
    from . import fetch
    trees = {}
    for entry in getattr(lib, "fetches", []):
        if entry.tree is None:  # normally prepared already: libraries come first
            fetch.prepare_one(entry, {})
        trees[entry.name] = entry
    where = str(lib.manifest)
    includes = [fetch.resolve_ref(d, trees, lib.dir, where) for d in lib.app_include]
    archives = [fetch.resolve_ref(o, trees, lib.dir, where) for o in lib.objects]
    libc = next((a for a in archives if a.name == "libc.a"), None)
    if not includes or libc is None:
        raise AutoportError(f"{lib.manifest}: libc-musl must list musl's headers in "
                            f"app-include and its libc.a in objects")
    return includes, libc


# ---------------------------------------------------------------------------
# Stubs for the kernel functions musl calls


def _archive_symbols(archive: Path) -> tuple[set[str], set[str]]:
    out = subprocess.run(["nm", "-A", str(archive)], capture_output=True, text=True,
                         check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        # "libc.a:member.o:<address or blanks> <type> <name>"
        parts = line.rsplit(None, 2)
        if len(parts) == 3:
            kind, name = parts[1], parts[2]
            (undefined if kind in ("U", "w", "v") else defined).add(name)
    return defined, undefined


def _undefined_kernel_symbols(libc: Path) -> list[str]:
    defined, undefined = _archive_symbols(libc)
    return sorted(s for s in undefined - defined if s.startswith(("kn_", "__kn_")))


def stub_archive(libc: Path) -> Path:
    """An archive defining every kernel function musl's libc.a calls, each
    returning -ENOSYS. Only configure-time executables link it; they are
    never run. Cached next to other autoport files, keyed by libc.a."""
    libc = Path(libc)
    st = libc.stat()
    key = hashlib.sha256(f"{libc.resolve()}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    out = _cache_root() / "autoport" / f"stubs-{key.hexdigest()[:16]}.a"
    if out.is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    names = _undefined_kernel_symbols(libc)
    body = "".join(f"long {n}(void) {{ return -38; }}\n" for n in names)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        src, obj, ar = Path(tmp) / "stubs.c", Path(tmp) / "stubs.o", Path(tmp) / "stubs.a"
        src.write_text("/* Generated by kiln autoport: link-time stand-ins. */\n" + body)
        subprocess.run(["gcc", "-O0", "-fno-pic", "-fno-builtin", "-w", "-c", str(src),
                        "-o", str(obj)], check=True)
        subprocess.run(["ar", "rcs", str(ar), str(obj)], check=True)
        os.replace(ar, out)
    return out


# ---------------------------------------------------------------------------
# The environment


def wrapper_path() -> Path:
    """A small script that runs the wrapper with this Python: a fixed path,
    so build environments (and fetch cache keys) are the same across apps."""
    path = _cache_root() / "autoport" / "bin" / "kiln-cc"
    src = Path(__file__).resolve().parents[1]
    text = (f"#!/bin/sh\n# kiln's compiler wrapper (see kiln/autoport.py)\n"
            f"PYTHONPATH={shlex.quote(str(src))}${{PYTHONPATH:+:$PYTHONPATH}} "
            f"exec {shlex.quote(sys.executable)} -m kiln.autoport cc \"$@\"\n")
    if not path.is_file() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}")
        tmp.write_text(text)
        tmp.chmod(0o755)
        os.replace(tmp, path)
    return path


def env_for_musl(root: Path) -> dict[str, str]:
    """build_env for a built musl tree."""
    return env_for(*musl_layout(root))


def env_for(includes: list[Path], libc: Path) -> dict[str, str]:
    cc = str(wrapper_path())
    return {
        "CC": cc,
        "CPP": f"{cc} -E",
        "AR": "ar",
        "RANLIB": "ranlib",
        "NM": "nm",
        "STRIP": "true",          # the image is stripped by kiln; keep symbols
        "CFLAGS": "-O2 -g",
        "LDFLAGS": "-static",
        "KILN_HOST": HOST_TRIPLE,  # ./configure --host=$KILN_HOST
        "KILN_CC": cc,
        ENV_INCLUDE: os.pathsep.join(str(p) for p in includes),
        ENV_LIBC: str(libc),
        ENV_STUBS: str(stub_archive(libc)),
        # The wrapper's own version: a changed wrapper rebuilds app trees.
        "KILN_AUTOPORT": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12],
    }


def build_env(project) -> dict[str, str]:
    """What a build command of an app's fetch needs to target Kiln's musl."""
    return env_for(*musl_paths(project))


def project_env(project) -> dict[str, str]:
    """build_env for `kiln env`: prepares the libraries' fetches (musl)
    first, as `kiln build` would."""
    from . import fetch
    for entry in fetch.image_fetches(project).values():
        if not entry.for_app:
            fetch.prepare_one(entry, {})
    return build_env(project)


def run_with_env(env: dict[str, str], command: list[str]) -> int:
    """Runs `command` with `env` added; a missing program is a one-line error."""
    try:
        return subprocess.run(command, env=dict(os.environ, **env)).returncode
    except FileNotFoundError:
        raise KilnError(f"cannot run {command[0]!r}: no such program") from None


def shell_exports(env: dict[str, str]) -> str:
    return "".join(f"export {k}={shlex.quote(v)}\n" for k, v in sorted(env.items()))


# ---------------------------------------------------------------------------
# The compiler wrapper


def _gcc_include() -> str:
    return subprocess.run(["gcc", "-print-file-name=include"], capture_output=True,
                          text=True, check=True).stdout.strip()


def _libgcc() -> str:
    return subprocess.run(["gcc", "-print-libgcc-file-name"], capture_output=True,
                          text=True, check=True).stdout.strip()


def _config() -> tuple[list[str], str, str]:
    try:
        includes = [p for p in os.environ[ENV_INCLUDE].split(os.pathsep) if p]
        return includes, os.environ[ENV_LIBC], os.environ[ENV_STUBS]
    except KeyError as exc:
        raise AutoportError(f"{exc.args[0]} is not set: run the build through "
                            f"`kiln env -- COMMAND` or a [[fetch]] build") from None


def compile_flags(includes: list[str]) -> list[str]:
    flags = ["-nostdinc"]
    for inc in includes:
        flags += ["-isystem", inc]
    return flags + ["-isystem", _gcc_include()] + KERNEL_CFLAGS


# Options that take their value as the next argument.
_WITH_VALUE = {"-o", "-I", "-L", "-l", "-D", "-U", "-include", "-imacros", "-isystem",
               "-idirafter", "-iquote", "-MF", "-MT", "-MQ", "-x", "-Xlinker",
               "-u", "-T", "-e"}
_INFO = ("-v", "--version", "-dumpversion", "-dumpmachine", "-dumpspecs", "--help")


def _compile_only(args: list[str]) -> bool:
    return any(a in ("-c", "-S", "-E", "-M", "-MM") for a in args)


def _split_link_args(args: list[str]):
    """Splits a link command: (inputs in order, -L folders, output, flags
    for compiling sources, flags for the check link)."""
    inputs, libdirs, flags, ldflags = [], [], [], []
    output = "a.out"
    i = 0
    while i < len(args):
        a = args[i]
        value = None
        if a in _WITH_VALUE and i + 1 < len(args):
            value = args[i + 1]
            i += 1
        if a == "-o":
            output = value
        elif a == "-L" or (a.startswith("-L") and len(a) > 2):
            libdirs.append(value if a == "-L" else a[2:])
        elif a == "-l" or (a.startswith("-l") and len(a) > 2):
            inputs.append(("lib", value if a == "-l" else a[2:]))
        elif a.startswith("-Wl,") or a in ("-Xlinker", "-u", "-T", "-e"):
            ldflags += [a] + ([value] if value is not None else [])
        elif a in ("-static", "-pthread", "-rdynamic", "-no-pie", "-nostdlib",
                   "-nostartfiles", "-s", "-static-libgcc"):
            pass
        elif a.startswith("-"):
            flags += [a] + ([value] if value is not None else [])
        else:
            kind = "src" if a.endswith(SOURCE_SUFFIXES) else "obj"
            inputs.append((kind, a))
        i += 1
    return inputs, libdirs, output, flags, ldflags


def _find_library(name: str, libdirs: list[str]) -> str | None:
    for d in libdirs:
        for candidate in (Path(d) / f"lib{name}.a", Path(d) / ".libs" / f"lib{name}.a"):
            if candidate.is_file():
                return str(candidate)
    return None


def _run(cmd: list[str]) -> int:
    return subprocess.run(cmd).returncode


def link(args: list[str], includes: list[str], libc: str, stubs: str) -> int:
    if "-shared" in args:
        print("kiln-cc: shared libraries are not supported (a unikernel links "
              "everything statically)", file=sys.stderr)
        return 1
    inputs, libdirs, output, flags, ldflags = _split_link_args(args)
    files: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kiln-cc-") as tmp:
        for n, (kind, value) in enumerate(inputs):
            if kind == "src":
                obj = os.path.join(tmp, f"{n}-{Path(value).stem}.o")
                rc = _run(["gcc"] + compile_flags(includes) + flags + ["-c", value, "-o", obj])
                if rc:
                    return rc
                files.append(obj)
            elif kind == "obj":
                files.append(value)
            elif value not in LIBC_PARTS:
                found = _find_library(value, libdirs)
                if not found:
                    print(f"kiln-cc: cannot find -l{value} (a static lib{value}.a in "
                          f"the -L folders; musl provides libc, libm, libpthread, "
                          f"libdl, librt)", file=sys.stderr)
                    return 1
                files.append(found)
        if not files:
            print("kiln-cc: no input files", file=sys.stderr)
            return 1
        check = (["gcc", "-nostdlib", "-static", "-no-pie", "-Wl,--entry=main",
                  "-Wl,-z,noexecstack", "-o", output] + ldflags + files
                 + ["-Wl,--start-group", libc, stubs, _libgcc(), "-Wl,--end-group"])
        rc = _run(check)
        if rc:
            return rc
        # The image's part: everything the program brings, without libc.
        return _run(["ld", "-r", "-o", f"{output}.kiln.o"] + files)


def cc_main(args: list[str]) -> int:
    if args == ["-dumpmachine"]:  # the target is musl, not the host's glibc
        print(HOST_TRIPLE)
        return 0
    # Questions about the compiler itself (configure asks them) need no musl.
    if all(a in _INFO or a.startswith("-print-") for a in args):
        return _run(["gcc"] + args)
    includes, libc, stubs = _config()
    if _compile_only(args):
        return _run(["gcc"] + compile_flags(includes) + args)
    if "-r" in args:  # a partial link (ld -r) is already image material
        return _run(["gcc", "-nostdlib"] + compile_flags(includes) + args)
    return link(args, includes, libc, stubs)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "cc":
        argv = argv[1:]
    try:
        return cc_main(argv)
    except AutoportError as exc:
        print(f"kiln-cc: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
