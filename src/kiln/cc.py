"""kiln-cc: the compiler wrapper an autoport build's CC points to
(`python3 -m kiln.cc ...`; kiln/autoport.py sets up its environment).

Compiling, it uses musl's headers and the flags kernel code needs. Linking
`-o PROG`, it does two things: it links a static PROG against musl plus
stubs for the kernel functions musl calls, so that an undefined function
fails the link just as it would on Linux (configure's link tests stay
honest) and PROG runs on the build host (the stubs make Linux's system
calls; configure scripts without a cross mode run their tests), and it
writes PROG.kiln.o, a relocatable object with the program's code (its
objects and the members of its own archives that it uses) and no libc,
which kiln links into the image (`objects = ["@name/PROG.kiln.o"]`).

It runs once per compiler call of a configure script or a make, so it
imports nothing of kiln but this module.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

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
# Environment variables the wrapper reads (set by kiln.autoport.build_env).
ENV_INCLUDE = "KILN_CC_INCLUDE"   # musl include folders, os.pathsep-separated
ENV_LIBC = "KILN_CC_LIBC"         # musl's libc.a
ENV_STUBS = "KILN_CC_STUBS"       # archive of stubs for the kernel calls in libc.a
SOURCE_SUFFIXES = (".c", ".s", ".S", ".i")


class WrapperError(Exception):
    """A misuse of the wrapper: one line on stderr, exit 2."""


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
        raise WrapperError(f"{exc.args[0]} is not set: run the build through "
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
        check = (["gcc", "-nostdlib", "-static", "-no-pie", "-Wl,--entry=kn_autoport_start",
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
    try:
        return cc_main(argv)
    except WrapperError as exc:
        print(f"kiln-cc: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
