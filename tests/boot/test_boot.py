"""Every allocator boots helloworld and threads on every target."""

import re

import pytest

from .conftest import ALLOCATORS, TARGETS, boot

pytestmark = pytest.mark.boot
TARGET_IDS = [f"{p}-{m}" if m else p for p, m in TARGETS]


@pytest.mark.parametrize("alloc", ALLOCATORS)
@pytest.mark.parametrize("platform,machine", TARGETS, ids=TARGET_IDS)
def test_helloworld(images, platform, machine, alloc):
    folder = images.get("helloworld", platform, alloc)
    proc = boot(folder, platform, machine, "-a", 'one "two three"')
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[:3] == ["Hello, world!", "arg 1: one", "arg 2: two three"]
    if platform == "kvm":
        assert "kiln: accelerator tcg" in proc.stderr


@pytest.mark.parametrize("alloc", ALLOCATORS)
@pytest.mark.parametrize("platform,machine", TARGETS, ids=TARGET_IDS)
def test_threads_wake_in_order(images, platform, machine, alloc):
    folder = images.get("threads", platform, alloc)
    proc = boot(folder, platform, machine, "-a", "6")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    woke = [int(m) for m in re.findall(r"thread (\d+) woke", proc.stdout)]
    assert woke == [5, 4, 3, 2, 1, 0]
    assert "threads: 6 woke in order" in proc.stdout


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("linuxu", None)])
def test_stack_report(images, platform, machine):
    """sched.stack_report=1: each exiting thread says how deep its stack went,
    a figure between the few frames it surely used and its whole stack."""
    folder = images.get("threads", platform)
    proc = boot(folder, platform, machine, "-k", "sched.stack_report=1", "-a", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    used = re.findall(r"kn: stack: thread (\w+) used (\d+) of (\d+) KiB$", proc.stderr, re.M)
    names = [name for name, _, _ in used]
    assert names.count("sleeper") == 3 and names[-1] == "main", proc.stderr
    for name, depth, size in used:
        assert 0 < int(depth) < int(size), (name, depth, size)
    assert "kn: stack:" not in boot(folder, platform, machine, "-a", "3").stderr


@pytest.mark.parametrize("platform,machine", TARGETS, ids=TARGET_IDS)
def test_exit_code_reaches_the_host(images, platform, machine):
    folder = images.get("threads", platform)
    proc = boot(folder, platform, machine, "-a", "0")  # usage error: exit 2
    assert proc.returncode == 2 and "usage: threads" in proc.stdout


@pytest.mark.parametrize("platform,machine", TARGETS, ids=TARGET_IDS)
def test_null_dereference_gives_symbolized_backtrace(images, platform, machine):
    folder = images.get("crash", platform)
    proc = boot(folder, platform, machine, timeout=30)
    out = proc.stderr  # kernel messages: the guest's stderr
    assert proc.returncode == 125, proc.stdout + out
    assert "about to crash: null" in proc.stdout
    assert re.search(r"kn: crash: .*(page fault|SIGSEGV)", out)
    assert re.search(r"kn: at 0x[0-9a-f]+ read_through\+0x[0-9a-f]+ \(main\.c:\d+\)", out)
    frames = re.findall(r"kn: bt #\d+ 0x[0-9a-f]+ (\w+)\+", out)
    assert "crash_here" in frames or "main" in frames, out
    assert "kn_boot" in frames


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("linuxu", None)],
                         ids=["kvm-microvm", "linuxu"])
def test_main_stack_overflow_without_scheduler_is_named(images, platform, machine):
    """Without a scheduler (the crash app is nolibc alone), main runs on
    the platform's stack: kvm's boot stack, with an unmapped guard page
    below it, or linuxu's process stack, which the host limits. Running
    off either is named like an overflow of a sched-coop stack."""
    folder = images.get("crash", platform)
    proc = boot(folder, platform, machine, "-a", "overflow", timeout=60)
    out = proc.stderr  # kernel messages
    assert proc.returncode == 125, proc.stdout + out
    assert re.search(r"^kn: stack overflow: thread main used all of its \d+ KiB stack; give it "
                     r"more \((ulimit -s on the host, or )?add \"sched\" to requires: main then "
                     r"runs on a stack of SCHED_COOP_MAIN_STACK_SIZE\)$", out, re.M), out
    assert out.index("kn: stack overflow:") < out.index("kn: crash:")
    assert re.search(r"kn: at 0x[0-9a-f]+ recurse\+", out), out
    if platform == "kvm":
        assert "thread main used all of its 32 KiB stack" in out
        assert "kn: page fault: write to PROT_NONE page" in out


@pytest.mark.parametrize("mode,cause", [("rodata-write", r"page fault \(#PF\) error=0x3"),
                                        ("exec-data", r"page fault \(#PF\) error=0x11"),
                                        ("ud2", r"invalid opcode"),
                                        ("divide", r"divide error")])
def test_memory_protection_and_traps(images, mode, cause):
    """W^X on kvm: rodata is read-only, data is not executable; traps are
    reported like faults."""
    folder = images.get("crash", "kvm")
    proc = boot(folder, "kvm", "microvm", "-a", mode, timeout=30)
    assert proc.returncode == 125, proc.stdout + proc.stderr
    assert re.search(r"kn: crash: " + cause, proc.stderr), proc.stderr
    assert f"survived {mode}" not in proc.stdout
    assert re.search(r"kn: at 0x[0-9a-f]+ main\+", proc.stderr) or mode == "exec-data"


@pytest.mark.parametrize("platform,machine", TARGETS, ids=TARGET_IDS)
def test_boot_trace_parameter(images, platform, machine):
    folder = images.get("helloworld", platform)
    proc = boot(folder, platform, machine, "-k", "boot.trace=1", "-k", "nosuch.param=1")
    assert proc.returncode == 0
    assert re.search(r"kn: boot: first instruction to main: \d+ cycles", proc.stderr)
    assert "kn: boot: init kn_heap_init" in proc.stderr
    assert "unknown kernel parameter 'nosuch.param' ignored" in proc.stderr
    assert "kn: " not in proc.stdout  # kernel messages stay off the program's output
