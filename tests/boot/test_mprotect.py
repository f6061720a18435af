"""Page protections enforced (tests/apps/mprotect, through musl): a write to
a PROT_READ page and a read of a PROT_NONE page crash with a one-line cause
naming the address, a symbolized backtrace and exit 125; PROT_EXEC pages
run code, read-write ones do not; a thread stack overflow hits musl's guard
page. On kvm (QEMU microvm, TCG) and linuxu."""

import re

import pytest

from conftest import ROOT

from .conftest import app_builder, boot

pytestmark = pytest.mark.boot

TARGETS = [("kvm", "microvm"), ("linuxu", None)]
IDS = ["kvm-microvm", "linuxu"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_builder(tmp_path_factory, ROOT / "tests/apps/mprotect")


def crash_report(proc, mode, cause, printed):
    """The fault line names the address the app printed, then the usual
    report: cause, the faulting function, a backtrace with names. Returns
    (the app's stdout, the kernel's messages on stderr)."""
    out, err = proc.stdout, proc.stderr
    assert proc.returncode == 125, out + err
    addr = re.search(printed + r" at (0x[0-9a-f]+)", out)
    assert addr, out
    fault = re.search(r"^kn: page fault: " + cause + r" (0x[0-9a-f]+) \(rip 0x[0-9a-f]+\)$",
                      err, re.M)
    assert fault and int(fault.group(1), 16) == int(addr.group(1), 16), err
    assert re.search(r"kn: crash: .*(page fault|SIGSEGV)", err), err
    assert err.index("kn: page fault:") < err.index("kn: crash:")
    frames = re.findall(r"kn: bt #\d+ 0x[0-9a-f]+ (\w+)\+", err)
    assert "kn_boot" in frames or "main_thread" in frames, err
    assert "survived" not in out
    return out, err


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_write_to_read_only_page_faults(app, platform, machine):
    proc = boot(app(platform), platform, machine, "-a", "write", timeout=60)
    out, err = crash_report(proc, "write", "write to read-only page", "writing page 2")
    assert "pages 1 and 3 written, page 2 reads 0" in out
    assert re.search(r"kn: at 0x[0-9a-f]+ poke\+0x[0-9a-f]+ \(main\.c:\d+\)", err), err


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_prot_none_read_faults_and_read_write_comes_back(app, platform, machine):
    proc = boot(app(platform), platform, machine, "-a", "none", timeout=60)
    out, err = crash_report(proc, "none", "read of PROT_NONE page", "reading page 2")
    assert "PROT_NONE then read-write: page 2 holds 7" in out
    assert re.search(r"kn: at 0x[0-9a-f]+ peek\+0x[0-9a-f]+ \(main\.c:\d+\)", err), err


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_prot_exec_runs_copied_code(app, platform, machine):
    proc = boot(app(platform), platform, machine, "-a", "exec", timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "code returned 42" in proc.stdout


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_read_write_page_is_not_executable(app, platform, machine):
    proc = boot(app(platform), platform, machine, "-a", "noexec", timeout=60)
    out, _ = crash_report(proc, "noexec", "execution of non-executable page", "calling code")
    assert "code returned" not in out


def guard_page_fault(proc) -> str:
    """An endless recursion stopped by a guard page: exit 125, the
    fault's one-line cause, and the faulting function named. Returns the
    kernel's messages (stderr)."""
    err = proc.stderr
    assert proc.returncode == 125, proc.stdout + err
    assert re.search(r"^kn: page fault: write to PROT_NONE page 0x[0-9a-f]+ ", err, re.M), err
    assert re.search(r"kn: at 0x[0-9a-f]+ recurse\+", err), err
    assert "survived" not in proc.stdout
    return err


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_thread_stack_overflow_hits_the_guard_page(app, platform, machine):
    """musl maps a PROT_NONE guard below each thread stack: an endless
    recursion faults there (reported from the exception stack) instead of
    overwriting the memory below."""
    guard_page_fault(boot(app(platform), platform, machine, "-a", "overflow", timeout=60))


@pytest.mark.parametrize("platform,machine", TARGETS, ids=IDS)
def test_main_stack_overflow_is_named(app, platform, machine):
    """sched-coop keeps a guard page below every stack it allocates: main
    running past its stack is reported as such, with the setting to raise."""
    out = guard_page_fault(boot(app(platform), platform, machine, "-a", "main-overflow",
                                timeout=60))
    assert re.search(r"^kn: stack overflow: thread main used all of its \d+ KiB stack; give it "
                     r"more \(SCHED_COOP_MAIN_STACK_SIZE\)$", out, re.M), out
