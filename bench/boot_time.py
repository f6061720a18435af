"""Guest boot time, first instruction to main, per allocator at 64 MiB and
1 GiB of RAM: (a) TSC cycles and microseconds as the guest reports them
with -k boot.trace=1 (QEMU TCG, real time), (b) the exact number of guest
instructions, counted with QEMU -icount from an instruction trace.

    python3 bench/boot_time.py [--quick] [--runs N]
"""

import bisect
import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import images
import report
import timing

MEMORIES = ("64M", "1G")
PREALLOC = "1G-prealloc"
ICOUNT_SHIFT = 10
TRACE_RE = re.compile(rb"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")
MAIN_RE = re.compile(r"first instruction to main: (\d+) cycles, (\d+) us")
HEAP_RE = re.compile(r"init kn_heap_init: (\d+) us")
ENTRY, PLAT_START, BOOT, HEAP_INIT = "kn_pvh_entry", "kn_kvm_start", "kn_boot", "kn_heap_init"
FLAT_RATIO = 1.10     # "independent of RAM size": 1G/64M within 10 %
BUDDY_RATIO = 2.0     # buddy: far from the 16x that bytes grow by

NOTES = {
    ENTRY: "32-bit entry: boot page tables, long mode",
    "kn_kvm_serial_init": "serial console",
    "kn_kvm_time_begin": "TSC rate: CPUID, opens the PIT window",
    "kn_kvm_idt_init": "exception handlers",
    "kn_kvm_start_info_init": "PVH start_info, command line",
    "kn_kvm_mem_init": "free-memory map",
    "kn_kvm_paging_init": "final page tables",
    "kn_kvm_irq_init": "PIC masked, local APIC",
    "kn_kvm_time_init": "closes the calibration window (waits)",
    BOOT: "kn_boot: cmdline, params, init table",
    PLAT_START: "kn_kvm_start itself (calls)",
    HEAP_INIT: "  of which kn_heap_init (allocator)",
}


# ------------------------------------------------------------ (b) icount

class Symbols:
    """Function symbols of the .dbg ELF, to name the function of a PC."""

    def __init__(self, dbg: Path):
        out = subprocess.run(["nm", "-n", str(dbg)], capture_output=True, text=True,
                             check=True).stdout
        self.addrs, self.names = [], []
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tTwW":
                self.addrs.append(int(parts[0], 16))
                self.names.append(parts[2])
        self.by_name = dict(zip(self.names, self.addrs))

    def func(self, pc: int) -> str:
        i = bisect.bisect_right(self.addrs, pc) - 1
        return self.names[i] if i >= 0 else "?"


def trace_pcs(argv: list[str], log: Path) -> list[int]:
    """Runs the guest under -icount with one instruction per translation
    block and every executed block logged: the log is the list of executed
    instructions' PCs."""
    cmd = argv + ["-icount", f"shift={ICOUNT_SHIFT},align=off,sleep=off", "-singlestep",
                  "-d", "exec,nochain", "-D", str(log)]
    t = timing.timed_run(cmd, timeout=120)
    if t.status != images.QEMU_GUEST_OK or timing.HELLO not in t.stdout:
        raise RuntimeError(f"icount boot failed (status {t.status}): {t.stdout[-300:]!r}")
    pcs = []
    with open(log, "rb") as f:
        for line in f:
            m = TRACE_RE.match(line)
            if m:
                pcs.append(int(m.group(1), 16))
    return pcs, t.stderr.decode(errors="replace")  # boot.trace: kernel messages, stderr


def phases(pcs: list[int], syms: Symbols, stop: str = "main") -> dict:
    """Instructions from the entry's first instruction to STOP's first,
    attributed to the init steps kn_kvm_start calls (and, inside kn_boot,
    to kn_heap_init). The call tree is rebuilt from function changes: a
    change to a function already on the stack is a return, any other a
    call."""
    start = pcs.index(syms.by_name[ENTRY])
    stop_pc = syms.by_name[stop]
    counts = Counter()
    stack = [ENTRY]
    regions = 0
    prev = ENTRY
    n = 0
    for pc in pcs[start:]:
        if pc == stop_pc:
            break
        f = syms.func(pc)
        if f != prev:
            if f in stack:
                del stack[stack.index(f) + 1:]
            else:
                stack.append(f)
                if f == "kn_alloc_add_region":
                    regions += 1
            prev = f
        n += 1
        if PLAT_START in stack:
            i = stack.index(PLAT_START)
            step = stack[i + 1] if len(stack) > i + 1 else PLAT_START
        else:
            step = ENTRY
        counts[step] += 1
        if HEAP_INIT in stack:
            counts[HEAP_INIT] += 1
    else:
        raise RuntimeError(f"{stop} never ran")
    return {"total": n, "steps": dict(counts), "heap_regions": regions}


def icount_checks(image: images.Image, syms: Symbols, tmp: Path) -> dict:
    """One run with boot.trace=1: under -icount the TSC is virtual time,
    2^shift ns per instruction, so the cycles the guest prints divided by
    2^shift must match the trace's count between the two rdtsc (the entry's
    first instruction and main_thread)."""
    argv = images.qemu_argv(image, memory=MEMORIES[0], kernel_args=["boot.trace=1"])
    pcs, out = trace_pcs(argv, tmp / "check.log")
    m = MAIN_RE.search(out)
    traced = phases(pcs, syms, stop="main_thread")["total"]
    return {"tsc_cycles": int(m.group(1)), "tsc_instructions": int(m.group(1)) >> ICOUNT_SHIFT,
            "trace_instructions_to_main_thread": traced}


# ------------------------------------------------------------ main

def main(argv=None):
    parser = report.arg_parser(__doc__.splitlines()[0], runs=15, quick_runs=5)
    args = report.parse_args(parser, argv)
    allocators = images.ALLOCATORS
    report.banner(
        "boot time: first instruction to main (guest)",
        "region and TLSF init independent of RAM size (1G/64M ~ 1.0); buddy no worse "
        "than linear in the number of free regions, not in bytes",
        f"""(a) the QEMU command of `kiln run --dry-run -m M -k boot.trace=1` (microvm, TCG);
        the guest prints "first instruction to main: N cycles, M us" (TSC read by the
        entry's first instruction and before main) and kn_heap_init's time; median of
        {args.runs} runs, configurations alternating. Under TCG the TSC is the host's.
        (b) the same command without boot.trace, plus -icount shift={ICOUNT_SHIFT},align=off,
        sleep=off -singlestep -d exec,nochain: every translation block is one
        instruction and every executed block is logged, so the log is the exact
        instruction stream. Counted from kn_pvh_entry's first instruction to main's
        first, attributed to the init steps with the .dbg symbols (call tree rebuilt
        from function changes). Deterministic: icount makes the PIT and TSC run on
        virtual time (2^{ICOUNT_SHIFT} ns per instruction), so calibration waits a fixed
        number of instructions; the large shift keeps that wait short.""")

    built = {a: images.build_image("helloworld", "kvm", a) for a in allocators}
    configs = [(a, m) for a in allocators for m in MEMORIES]
    argvs = {(a, m): images.qemu_argv(built[a], memory=m, kernel_args=["boot.trace=1"])
             for a, m in configs}
    # The same 1G boots with the guest RAM allocated by QEMU before the guest
    # runs: what is left is the guest's own work, without the host's first
    # touch of each guest page (a fault, and zeroing a 2 MiB huge page).
    prealloc = [(a, PREALLOC) for a in allocators]
    for a in allocators:
        argvs[(a, PREALLOC)] = argvs[(a, MEMORIES[1])] + ["-mem-prealloc"]

    # (a) real time, alternating
    samples = {c: {"cycles": [], "us": [], "heap_us": []} for c in configs + prealloc}
    for _ in range(args.runs):
        for c in configs + prealloc:
            t = timing.timed_run(argvs[c], timeout=30)
            text = t.stderr.decode(errors="replace")  # boot.trace: kernel messages
            m, h = MAIN_RE.search(text), HEAP_RE.search(text)
            if t.status != images.QEMU_GUEST_OK or not m:
                raise RuntimeError(f"{c}: boot failed (status {t.status}): {text[-300:]}")
            samples[c]["cycles"].append(int(m.group(1)))
            samples[c]["us"].append(int(m.group(2)))
            samples[c]["heap_us"].append(int(h.group(1)) if h else None)
    real = {c: {k: timing.median(v) for k, v in s.items()} for c, s in samples.items()}

    # (b) instruction counts
    counted = {}
    with tempfile.TemporaryDirectory(prefix="kiln-bench-") as tmpdir:
        tmp = Path(tmpdir)
        syms = {a: Symbols(built[a].dbg) for a in allocators}
        for a, m in configs:
            argv_plain = images.qemu_argv(built[a], memory=m)
            pcs, _ = trace_pcs(argv_plain, tmp / "trace.log")
            counted[(a, m)] = phases(pcs, syms[a])
            if not args.quick:    # deterministic? a second run must agree exactly
                again = phases(trace_pcs(argv_plain, tmp / "trace.log")[0], syms[a])
                counted[(a, m)]["repeatable"] = again["total"] == counted[(a, m)]["total"]
        check = icount_checks(built[allocators[0]], syms[allocators[0]], tmp)

    print("(a) real time under TCG, medians of", args.runs, "runs")
    rows = []
    for a in allocators:
        lo, hi = real[(a, MEMORIES[0])], real[(a, MEMORIES[1])]
        pre = real[(a, PREALLOC)]
        rows.append([a, report.fmt(lo["cycles"]), report.fmt(lo["us"]), report.fmt(lo["heap_us"]),
                     report.fmt(hi["cycles"]), report.fmt(hi["us"]), report.fmt(hi["heap_us"]),
                     report.fmt_ratio(timing.ratio(hi["us"], lo["us"])),
                     report.fmt_ratio(timing.ratio(hi["heap_us"], lo["heap_us"])),
                     report.fmt(pre["us"]), report.fmt(pre["heap_us"])])
    print(report.table(["alloc", "64M cycles", "64M us", "64M heap us", "1G cycles", "1G us",
                        "1G heap us", "1G/64M boot", "1G/64M heap",
                        "1G prealloc us", "prealloc heap us"], rows))
    print("(us = the guest's conversion with its calibrated TSC rate; 'prealloc' = the 1G boot\n"
          " with -mem-prealloc, so the host's first touch of guest pages is not in the figure)")
    print()

    print(f"(b) guest instructions, first instruction to main (-icount shift={ICOUNT_SHIFT})")
    steps = [ENTRY] + [s for s in NOTES if s not in (ENTRY, HEAP_INIT, BOOT)] + [BOOT, HEAP_INIT]
    seen = {s for c in configs for s in counted[c]["steps"]}
    steps += sorted(seen - set(steps))
    rows = []
    for s in steps:
        rows.append([s if s != HEAP_INIT else "  kn_heap_init", NOTES.get(s, "")]
                    + [report.fmt(counted[c]["steps"].get(s, 0)) for c in configs])
    rows.append(["TOTAL", "to main"] + [report.fmt(counted[c]["total"]) for c in configs])
    rows.append(["", "without kn_kvm_time_init"]
                + [report.fmt(counted[c]["total"] - counted[c]["steps"].get("kn_kvm_time_init", 0))
                   for c in configs])
    rows.append(["", "free regions given"] + [str(counted[c]["heap_regions"]) for c in configs])
    print(report.table(["step", "what"] + [f"{a} {m}" for a, m in configs], rows))
    print("kn_kvm_time_init waits on the PIT in virtual time, so its count depends on the shift\n"
          "(and when early init outlasts the PIT's 55 ms count it starts the 2 ms window again);\n"
          "every other step is the guest's own work.")
    if not args.quick:
        print("repeatable (a second traced run gave the same count):",
              all(counted[c].get("repeatable") for c in configs))
    print(f"cross-check ({allocators[0]} {MEMORIES[0]}, boot.trace=1): guest TSC "
          f"{check['tsc_cycles']:,} cycles / 2^{ICOUNT_SHIFT} = {check['tsc_instructions']:,} "
          f"instructions; trace count to main_thread = "
          f"{check['trace_instructions_to_main_thread']:,}")
    print()

    summary = []
    for a in allocators:
        lo, hi = counted[(a, MEMORIES[0])], counted[(a, MEMORIES[1])]
        heap_ratio = timing.ratio(hi["steps"].get(HEAP_INIT, 0), lo["steps"].get(HEAP_INIT, 0))
        total_ratio = timing.ratio(hi["total"], lo["total"])
        limit = BUDDY_RATIO if a == "buddy" else FLAT_RATIO
        summary.append({"alloc": a, "heap_init_ratio": heap_ratio,
                        "total_ratio": total_ratio, "limit": limit,
                        "met": heap_ratio is not None and heap_ratio <= limit})
    print(report.table(
        ["alloc", "heap init 64M", "heap init 1G", "1G/64M heap init", "1G/64M to main",
         "limit", "goal"],
        [[s["alloc"], report.fmt(counted[(s["alloc"], MEMORIES[0])]["steps"].get(HEAP_INIT, 0)),
          report.fmt(counted[(s["alloc"], MEMORIES[1])]["steps"].get(HEAP_INIT, 0)),
          report.fmt_ratio(s["heap_init_ratio"], 3), report.fmt_ratio(s["total_ratio"], 3),
          f"<= {s['limit']}x", report.verdict(s["met"])] for s in summary]))
    print(f"(RAM grows 16x from 64M to 1G; limits: region/TLSF within {FLAT_RATIO}x, "
          f"buddy <= {BUDDY_RATIO}x with the same number of free regions)")

    biggest = max(steps, key=lambda s: counted[configs[0]]["steps"].get(s, 0)
                  if s != HEAP_INIT else -1)
    share = counted[configs[0]]["steps"][biggest] / counted[configs[0]]["total"]
    print(f"largest step ({configs[0][0]} {configs[0][1]}): {biggest} "
          f"{share:.0%} of the instructions to main")

    report.save_results("boot_time", {
        "icount_shift": ICOUNT_SHIFT, "runs": args.runs,
        "real": [{"alloc": a, "memory": m, **real[(a, m)], "samples": samples[(a, m)]}
                 for a, m in configs + prealloc],
        "instructions": [{"alloc": a, "memory": m, **counted[(a, m)]} for a, m in configs],
        "icount_crosscheck": check, "summary": summary})

    def draw(plt):
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
        x = range(len(allocators))
        for k, m in enumerate(MEMORIES):
            ax1.bar([i + 0.4 * k for i in x], [real[(a, m)]["us"] for a in allocators],
                    width=0.4, label=m)
            ax2.bar([i + 0.4 * k for i in x],
                    [counted[(a, m)]["steps"].get(HEAP_INIT, 0) for a in allocators],
                    width=0.4, label=m)
        for ax, title in ((ax1, "first instruction to main (us, TCG)"),
                          (ax2, "kn_heap_init instructions (icount)")):
            ax.set_xticks([i + 0.2 for i in x], allocators)
            ax.set_title(title, fontsize=9)
            ax.legend()
        return fig
    report.save_plot("boot_time", draw)


if __name__ == "__main__":
    main()
