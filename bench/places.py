"""Where the benchmarks keep things: the checkout they measure, their
results, and their cache (builds, downloads) outside the repository."""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
RESULTS = BENCH / "results"
CACHE = Path(os.environ.get("KILN_BENCH_CACHE", Path.home() / ".cache" / "kiln-bench"))


def use_checkout_kiln() -> None:
    """Puts this checkout's src/ first on sys.path: `import kiln` then
    reads the tree bench/ lives in, whatever kiln is installed."""
    src = str(REPO / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
