"""Compiling a library's host C tests: gcc with warnings as errors and the
sanitizers, the tree's include folders, and a kn/config.h of our choosing
(the kernel build would generate it from Kconfig)."""

import subprocess
from pathlib import Path

from conftest import ROOT

SANITIZE = ["-fsanitize=undefined", "-fno-sanitize-recover"]


def build_host_test(out: Path, name: str, sources, includes, config: dict[str, object],
                    sanitize=SANITIZE) -> Path:
    """Compiles `sources` into out/name; fails the test with gcc's errors."""
    header = out / "kn" / "config.h"
    header.parent.mkdir(parents=True, exist_ok=True)
    header.write_text("".join(f"#define CONFIG_{k} {v}\n" for k, v in config.items()))
    exe = out / name
    cmd = ["gcc", "-O1", "-g", "-Wall", "-Werror", *sanitize, "-fno-omit-frame-pointer",
           f"-I{out}", *[f"-I{ROOT / d}" for d in includes], *map(str, sources), "-o", str(exe)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return exe
