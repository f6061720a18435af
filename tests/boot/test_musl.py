"""libc-musl: musl 1.2.3 built from Debian's source package with system
calls as direct calls. The test apps (tests/apps/musl-hello, musl-threads)
are built once per platform in a temporary copy and booted on kvm (QEMU
TCG, both machines) and linuxu. musl itself is built once per machine and
kept in kiln's cache (the first build of a fresh machine takes about a
minute)."""

import re
import shutil
import subprocess

import pytest

from conftest import ROOT, run_kiln

from .conftest import boot

TARGETS = [("kvm", "microvm"), ("kvm", "pc"), ("linuxu", None)]
APPS = ["musl-hello", "musl-threads"]
MALLOC_CHECKS = ("malloc", "malloc-8MiB", "malloc-too-big", "calloc-zeroed", "calloc-overflow",
                 "realloc-keeps", "usable-size", "aligned_alloc", "aligned_alloc-bad-align",
                 "posix_memalign", "posix_memalign-bad", "memalign")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(app, platform) -> the app folder with that platform's image."""
    base = tmp_path_factory.mktemp("musl")
    folders = {}

    def get(app: str, platform: str):
        if (app, platform) not in folders:
            folder = base / app
            if not folder.exists():
                shutil.copytree(ROOT / "tests/apps" / app, folder,
                                ignore=shutil.ignore_patterns("build", ".kiln"))
            proc = run_kiln("build", "--plat", platform, cwd=folder, timeout=900)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            folders[(app, platform)] = folder
        return folders[(app, platform)]
    return get


def failures(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FAIL")]


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_hello(built, platform, machine):
    folder = built("musl-hello", platform)
    proc = boot(folder, platform, machine, "-k", "libc.env=HOME=/home/kiln,KILN_TEST=yes",
                "-a", "first second")
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert failures(out) == []
    assert "hello from musl: argc 3 argv[0] musl-hello" in out
    assert "env HOME=/home/kiln KILN_TEST=yes" in out
    assert "musl-hello: all passed" in out
    for check in MALLOC_CHECKS + ("argv-writable", "mmap", "file-roundtrip", "strtod",
                                  "snprintf-float", "qsort", "math", "getenv"):
        assert f"ok {check}\n" in out
    assert "heap: kiln\n" in out
    # atexit handlers run in reverse order even when main returns.
    assert out.index("runs first") < out.index("runs last")
    assert out.rstrip().endswith("atexit: first registered, runs last")


def has_mallocng(folder, platform) -> bool:
    nm = subprocess.run(["nm", str(folder / "build" / platform / "musl-hello.dbg")],
                        capture_output=True, text=True, check=True).stdout
    return "__malloc_alloc_meta" in nm


@pytest.mark.parametrize("platform", ["kvm", "linuxu"])
def test_malloc_is_the_kernel_heap(built, platform):
    """libc-musl's malloc family is the image's allocator: musl's mallocng is
    not even linked."""
    assert not has_mallocng(built("musl-hello", platform), platform)


def test_mallocng_when_asked(tmp_path):
    """LIBC_MUSL_KILN_MALLOC=n links musl's own malloc back in, and every
    malloc check passes on it too."""
    folder = tmp_path / "musl-hello"
    shutil.copytree(ROOT / "tests/apps/musl-hello", folder,
                    ignore=shutil.ignore_patterns("build", ".kiln"))
    proc = run_kiln("configure", "--plat", "linuxu", "-s", "LIBC_MUSL_KILN_MALLOC=n", cwd=folder)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_kiln("build", "--plat", "linuxu", cwd=folder, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert has_mallocng(folder, "linuxu")
    proc = boot(folder, "linuxu", None)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert failures(out) == []
    assert "heap: mallocng\n" in out
    for check in MALLOC_CHECKS:
        assert f"ok {check}\n" in out


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("linuxu", None)])
def test_exit_code_and_flush(built, platform, machine):
    folder = built("musl-hello", platform)
    proc = boot(folder, platform, machine, "-a", "exit 42")
    assert proc.returncode == 42, proc.stdout + proc.stderr
    out = proc.stdout
    assert "buffered line written by exit()" in out
    assert out.index("buffered line") < out.index("runs first") < out.index("runs last")


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_pthreads(built, platform, machine):
    folder = built("musl-threads", platform)
    proc = boot(folder, platform, machine)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert failures(out) == []
    for check in ("pthread_create", "pthread_join", "mutex", "condvar", "cond-timedwait",
                  "rwlock-readers-share", "rwlock-writer-alone", "tls-thread-variables",
                  "pthread-key-destructor", "errno-per-thread", "detach"):
        assert f"ok {check}\n" in out
    assert "musl-threads: all passed" in out


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("linuxu", None)])
def test_exit_with_a_thread_alive(built, platform, machine):
    """exit() from main while a thread waits: musl's exit steps run once
    (a second pass would wait on the locks the first keeps)."""
    folder = built("musl-threads", platform)
    proc = boot(folder, platform, machine, "-a", "exit-with-thread")
    assert proc.returncode == 7, proc.stdout + proc.stderr
    assert proc.stdout == "buffered before exit, then the atexit handler\n"


def functions_with_syscall(objdump_text: str) -> set[str]:
    found, current = set(), None
    for line in objdump_text.splitlines():
        head = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if head:
            current = head.group(1)
        elif re.search(r"\tsyscall\b", line):
            found.add(current)
    return found


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("platform", ["kvm", "linuxu"])
def test_no_syscall_instruction(built, app, platform):
    """Shim mode: every system call is a call. On kvm objdump finds no
    `syscall` in the image; on linuxu only the platform's own calls to the
    host kernel have one."""
    folder = built(app, platform)
    build = folder / "build" / platform
    text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(build / f"{app}.dbg")],
                          capture_output=True, text=True, check=True).stdout
    assert "<__stdio_write>:" in text  # musl is really in there
    allowed = set()
    if platform == "linuxu":
        nm = subprocess.run(["nm", str(build / "lib" / "plat-linuxu.o")],
                            capture_output=True, text=True, check=True).stdout
        allowed = {line.split()[-1] for line in nm.splitlines() if line.strip()}
    assert functions_with_syscall(text) - allowed == set()
    calls = set(re.findall(r"call\s+[0-9a-f]+ <(kn_sys_\w+)>", text))
    assert {"kn_sys_write", "kn_sys_exit_group"} & calls, calls


def test_noop_rebuild(built):
    folder = built("musl-hello", "linuxu")
    proc = run_kiln("build", "--plat", "linuxu", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert "nothing to do" in proc.stdout
    assert "kiln: fetch " not in proc.stdout
