"""Autoport: building an upstream app with its own build system (configure,
make) against Kiln's musl, then linking the result into an image.

This module makes the environment for such a build: `build_env(project)`
(CC, AR, RANLIB, the --host triple, where musl is). The build passes it
down to fetch.prepare for the build commands of an app's fetches, and
`kiln env` gives it to any command. CC is `kiln-cc`, the compiler wrapper
in kiln/cc.py.
"""

import hashlib
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from . import cc, fetch
from .cc import ENV_INCLUDE, ENV_LIBC, ENV_STUBS, HOST_TRIPLE
from .errors import KilnError
from .paths import cache_root


class AutoportError(KilnError):
    pass


# ---------------------------------------------------------------------------
# Where musl is


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


# Bumped when the stubs' code changes, so a cached archive is made again.
STUBS_VERSION = "3"

# The raw Linux system call the stubs forward to: the test programs of a
# configure script are host programs, so their kernel is the host's.
_FORWARD = """\
#include <sys/syscall.h>
static long kn_autoport_linux(long n, long a, long b, long c, long d, long e, long f)
{
\tregister long r10 __asm__("r10") = d;
\tregister long r8 __asm__("r8") = e;
\tregister long r9 __asm__("r9") = f;
\tlong ret;
\t__asm__ volatile ("syscall" : "=a"(ret)
\t\t\t  : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
\t\t\t  : "rcx", "r11", "memory");
\treturn ret;
}
long kn_syscall(long n, long a, long b, long c, long d, long e, long f)
{
\treturn kn_autoport_linux(n, a, b, c, d, e, f);
}
/* The program's entry (kiln-cc links with --entry=kn_autoport_start): what
 * a crt1 does, so musl sets up its TLS, stdio and the environment before
 * main. The kernel leaves argc at the stack pointer. */
int main();
int __libc_start_main(int (*)(), int, char **, void (*)(void), void (*)(void),
\t\t      void (*)(void));
void kn_autoport_start_c(long *sp)
{
\t__libc_start_main(main, (int)sp[0], (char **)(sp + 1), 0, 0, 0);
}
__asm__(".text\\n.global kn_autoport_start\\nkn_autoport_start:\\n"
\t"\\txor %ebp, %ebp\\n\\tmov %rsp, %rdi\\n\\tand $-16, %rsp\\n"
\t"\\tcall kn_autoport_start_c\\n\\thlt\\n");
"""


def _stub(name: str) -> str:
    """`kn_sys_NAME` forwards to Linux's NAME when the host knows it; any
    other kernel function (kn_clone: threads need the kernel) is ENOSYS."""
    call = name[len("kn_sys_"):] if name.startswith("kn_sys_") else None
    enosys = f"long {name}(void) {{ return -38; }}\n"
    if call is None:
        return enosys
    return (f"#ifdef SYS_{call}\n"
            f"long {name}(long a, long b, long c, long d, long e, long f)\n"
            f"{{ return kn_autoport_linux(SYS_{call}, a, b, c, d, e, f); }}\n"
            f"#else\n{enosys}#endif\n")


def stub_archive(libc: Path) -> Path:
    """An archive defining every kernel function musl's libc.a calls. Only
    configure-time executables link it: each `kn_sys_NAME` makes Linux's
    system call NAME, so such a program also runs on the build host, as
    configure scripts that run their tests (nginx's sizeof checks) need;
    kernel functions with no Linux call return -ENOSYS. Cached next to
    other autoport files, keyed by libc.a."""
    libc = Path(libc)
    st = libc.stat()
    key = hashlib.sha256(f"{STUBS_VERSION}\0{libc.resolve()}\0{st.st_size}\0"
                         f"{st.st_mtime_ns}".encode())
    out = cache_root() / "autoport" / f"stubs-{key.hexdigest()[:16]}.a"
    if out.is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    names = [n for n in _undefined_kernel_symbols(libc) if n != "kn_syscall"]
    body = _FORWARD + "".join(_stub(n) for n in names)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        src, obj, ar = Path(tmp) / "stubs.c", Path(tmp) / "stubs.o", Path(tmp) / "stubs.a"
        src.write_text("/* Generated by kiln autoport: host stand-ins for the kernel. */\n"
                       + body)
        subprocess.run(["gcc", "-O1", "-fno-pic", "-fno-builtin", "-w", "-c", str(src),
                        "-o", str(obj)], check=True)
        subprocess.run(["ar", "rcs", str(ar), str(obj)], check=True)
        os.replace(ar, out)
    return out


# ---------------------------------------------------------------------------
# The environment


def _wrapper_version() -> str:
    return hashlib.sha256(Path(cc.__file__).read_bytes()).hexdigest()[:12]


def wrapper_path() -> Path:
    """A small script that runs the wrapper with this Python: a fixed path
    for one version of the wrapper, so build environments (and fetch cache
    keys) are the same across apps, while two checkouts of kiln with
    different wrappers, building at the same time, never run each other's."""
    path = cache_root() / "autoport" / f"bin-{_wrapper_version()}" / "kiln-cc"
    src = Path(__file__).resolve().parents[1]
    text = (f"#!/bin/sh\n# kiln's compiler wrapper (see kiln/cc.py)\n"
            f"PYTHONPATH={shlex.quote(str(src))}${{PYTHONPATH:+:$PYTHONPATH}} "
            f"exec {shlex.quote(sys.executable)} -m kiln.cc \"$@\"\n")
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
    wrapper = str(wrapper_path())
    return {
        "CC": wrapper,
        "CPP": f"{wrapper} -E",
        "AR": "ar",
        "RANLIB": "ranlib",
        "NM": "nm",
        "STRIP": "true",          # the image is stripped by kiln; keep symbols
        "CFLAGS": "-O2 -g",
        "LDFLAGS": "-static",
        "KILN_HOST": HOST_TRIPLE,  # ./configure --host=$KILN_HOST
        "KILN_CC": wrapper,
        ENV_INCLUDE: os.pathsep.join(str(p) for p in includes),
        ENV_LIBC: str(libc),
        ENV_STUBS: str(stub_archive(libc)),
        # The wrapper's own version: a changed wrapper rebuilds app trees.
        "KILN_AUTOPORT": _wrapper_version(),
    }


def build_env(project) -> dict[str, str]:
    """What a build command of an app's fetch needs to target Kiln's musl."""
    return env_for(*musl_paths(project))


def project_env(project) -> dict[str, str]:
    """build_env for `kiln env`: prepares the libraries' fetches (musl)
    first, as `kiln build` would."""
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
