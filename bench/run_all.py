"""Runs every benchmark with --quick (or with the options given, e.g.
--runs 3), one after the other, and says which ones failed.

    python3 bench/run_all.py [--full] [extra options for every benchmark]
"""

import subprocess
import sys
import time
from pathlib import Path

BENCHMARKS = ("image_size", "memory_floor", "boot_time", "boot_e2e", "build_time",
              "syscall_cost", "open_cost", "sqlite_inserts", "http_reply", "redis_ops", "blk",
              "ninep", "redis_soak")


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    full = "--full" in argv
    extra = [a for a in argv if a != "--full"]
    if not full and "--quick" not in extra:
        extra.insert(0, "--quick")
    here = Path(__file__).resolve().parent
    failed = []
    t0 = time.perf_counter()
    for name in BENCHMARKS:
        cmd = [sys.executable, str(here / f"{name}.py"), *extra]
        print(f"\n### {' '.join(['python3', f'bench/{name}.py', *extra])}", flush=True)
        start = time.perf_counter()
        status = subprocess.run(cmd).returncode
        print(f"### {name}: {'ok' if status == 0 else f'FAILED ({status})'} "
              f"in {time.perf_counter() - start:.1f} s", flush=True)
        if status:
            failed.append(name)
    print(f"\nall benchmarks: {len(BENCHMARKS) - len(failed)} ran, {len(failed)} failed"
          f"{': ' + ', '.join(failed) if failed else ''}; {time.perf_counter() - t0:.0f} s; "
          f"results in bench/results/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
