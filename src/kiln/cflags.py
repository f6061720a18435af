"""The flags kernel code is compiled with: one list for `kiln build` and for
the host tests that check a library builds as the image builds it."""

import subprocess
from functools import lru_cache

from .errors import KilnError

# Freestanding, no host headers but gcc's own (stddef.h, stdint.h, ...), one
# section per function/object so the final link can drop what nothing
# uses, frame pointers for backtraces.
BASE_CFLAGS = [
    "-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Wno-unused-parameter",
    "-ffreestanding", "-nostdinc", "-fno-stack-protector", "-fno-pic", "-fno-pie",
    "-fno-omit-frame-pointer", "-ffunction-sections", "-fdata-sections",
    "-fno-asynchronous-unwind-tables", "-fcf-protection=none", "-m64",
]
# Added to a library's own flags (not the app's): what its public header
# does not export stays inside it (see docs/libraries.md, Visibility).
LIBRARY_CFLAGS = ["-fvisibility=hidden"]


@lru_cache(maxsize=None)
def gcc_path(kind: str) -> str:
    """`gcc -print-<kind>`: gcc's own include folder, libgcc.a."""
    try:
        return subprocess.run(["gcc", f"-print-{kind}"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except FileNotFoundError:
        raise KilnError("gcc is not installed; install it with `apt-get install gcc`") from None


def kernel_cflags(platform_cflags=()) -> list[str]:
    """Every kernel source's flags before its include folders: the base,
    gcc's freestanding headers, then the platform's (kvm: -mno-red-zone)."""
    return BASE_CFLAGS + [f"-isystem{gcc_path('file-name=include')}"] + list(platform_cflags)
