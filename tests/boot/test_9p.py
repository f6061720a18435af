"""Host folders shared with the guest (`kiln run -v`): vfs-9pfs over
virtio-9p on kvm (QEMU TCG, microvm and pc) and vfs-hostfs on linuxu boot
the same app (tests/apps/share), which changes and lists a share; what it
saw is compared with what the host's own kernel says about the folder."""

import os
import shutil
import stat
import subprocess

import pytest

from conftest import ROOT, run_kiln

from .conftest import TARGETS, app_builder
from .netclients import Guest

BIG = 1_500_000  # more than any msize: the client splits it


@pytest.fixture(scope="module")
def share_app(tmp_path_factory):
    return app_builder(tmp_path_factory, ROOT / "tests/apps/share")


def run(share_app, platform, machine, *args):
    """kiln run with `args` (the app's after their `--`)."""
    machine_flag = ["--machine", machine] if machine else []
    proc = run_kiln("run", "--plat", platform, *machine_flag, "--timeout", "150", *args,
                    cwd=share_app(platform), timeout=200)
    assert "Traceback" not in proc.stderr
    return proc


def host_listing(root: str, rel: str = "") -> list[str]:
    """What the guest's `list` prints, from the host's lstat."""
    lines = []
    folder = os.path.join(root, rel)
    for name in sorted(os.listdir(folder)):
        relp = os.path.join(rel, name)
        st = os.lstat(os.path.join(root, relp))
        link = os.readlink(os.path.join(root, relp)) if stat.S_ISLNK(st.st_mode) else ""
        size = 0 if stat.S_ISDIR(st.st_mode) else st.st_size
        lines.append(f"entry {relp} mode={st.st_mode:o} nlink={st.st_nlink} size={size} "
                     f"mtime={st.st_mtime_ns // 10**9}.{st.st_mtime_ns % 10**9:09d} "
                     f"ino={st.st_ino} link={link}")
        if stat.S_ISDIR(st.st_mode):
            lines += host_listing(root, relp)
    return lines


def pattern(size: int) -> bytes:
    return bytes(((i * 2654435761) >> 13) & 0xff for i in range(size))


@pytest.fixture(scope="module")
def native_errors(tmp_path_factory):
    """The share app built for the host and run on a folder of its own:
    the errno values the host kernel gives for the calls that must fail."""
    work = tmp_path_factory.mktemp("share-native")
    exe = work / "share"
    source = ROOT / "tests/apps/share/main.c"
    subprocess.run(["gcc", "-O1", "-pthread", "-o", str(exe), str(source)], check=True)
    (work / "data").mkdir()
    for command in ("make", "errors"):
        proc = subprocess.run([str(exe), command, str(work / "data")], capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.replace(str(work / "data"), "/data")


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_guest_changes_are_the_hosts(share_app, native_errors, platform, machine, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "from-host.txt").write_text("written by the host\n")
    proc = run(share_app, platform, machine, "-v", f"{data}:/data", "--", "make", "/data")
    assert proc.returncode == 0 and "make: done" in proc.stdout, proc.stdout + proc.stderr
    # What the guest did, as the host sees it.
    assert (data / "hello.txt").read_text() == "hello from the guest\n"
    assert (data / "sub/new-name").read_text() == "renamed\n"
    assert (data / "moved/nested.txt").read_text() == "nested\n"
    assert not (data / "gone").exists() and not (data / "empty-gone").exists()
    assert os.readlink(data / "link") == "hello.txt"
    assert os.stat(data / "hard").st_ino == os.stat(data / "hello.txt").st_ino
    assert stat.S_IMODE(os.stat(data / "mode").st_mode) == 0o604
    assert stat.S_IMODE(os.stat(data / "sub").st_mode) == 0o750
    assert (data / "trunc").read_bytes() == b"0123\0\0"
    assert (data / "offsets").read_bytes() == b"hello\0world!"
    assert os.stat(data / "times").st_mtime_ns == 1234567890_123456789
    # What the guest sees of the folder, entry by entry, is the host's.
    proc = run(share_app, platform, machine, "-v", f"{data}:/data", "--", "list", "/data")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = [line for line in proc.stdout.splitlines() if line.startswith("entry ")]
    assert listed == host_listing(str(data))
    # The host's file, read by the guest.
    proc = run(share_app, platform, machine, "-v", f"{data}:/data", "--", "cat",
               "/data/from-host.txt")
    assert proc.returncode == 0 and proc.stdout == "written by the host\n", proc.stderr
    # Calls that must fail give the errno the host kernel gives natively.
    proc = run(share_app, platform, machine, "-v", f"{data}:/data", "--", "errors", "/data")
    assert proc.returncode == 0 and proc.stdout == native_errors, proc.stdout + proc.stderr


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_big_file_survives_a_second_boot(share_app, platform, machine, tmp_path):
    proc = run(share_app, platform, machine, "-v", f"{tmp_path}:/big", "--", "big",
               "/big/file.bin", str(BIG))
    assert proc.returncode == 0 and f"verify: {BIG} bytes match" in proc.stdout, proc.stderr
    assert (tmp_path / "file.bin").read_bytes() == pattern(BIG)
    # A second boot reads what the first one wrote; a host-made file too.
    (tmp_path / "host.bin").write_bytes(pattern(BIG + 7))
    for name, size in (("file.bin", BIG), ("host.bin", BIG + 7)):
        proc = run(share_app, platform, machine, "-v", f"{tmp_path}:/big", "--", "verify",
                   f"/big/{name}", str(size))
        assert proc.returncode == 0 and f"verify: {size} bytes match" in proc.stdout, \
            proc.stdout + proc.stderr


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_read_only_share_refuses_changes(share_app, platform, machine, tmp_path):
    (tmp_path / "hello.txt").write_text("keep me\n")
    before = host_listing(str(tmp_path))
    proc = run(share_app, platform, machine, "-v", f"{tmp_path}:/ro:ro", "--", "rofs", "/ro")
    assert proc.returncode == 0 and "rofs: done" in proc.stdout, proc.stdout + proc.stderr
    assert proc.stdout.endswith("keep me\n")
    assert host_listing(str(tmp_path)) == before


def test_a_share_the_vm_lacks_is_one_line(share_app):
    """The guest names the tag it found no device for (a hand-made -k)."""
    proc = run(share_app, "kvm", "microvm", "-k", "share.mount=nosuch:/x", "--", "list", "/x")
    assert proc.returncode != 0
    assert "kn: 9pfs: no 9p share is tagged nosuch (the VM has: none)" in proc.stderr


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_threads_have_requests_in_flight_together(share_app, platform, machine, tmp_path):
    stats = ["-k", "virtio_9p.stats=1"] if platform == "kvm" else []
    proc = run(share_app, platform, machine, *stats, "-v", f"{tmp_path}:/t", "--", "threads",
               "/t", "6")
    assert proc.returncode == 0 and "threads: 6 done" in proc.stdout, proc.stdout + proc.stderr
    for i in range(6):
        assert (tmp_path / f"thread{chr(97 + i)}").stat().st_size == 300000 + i * 1000
    if platform == "kvm":  # each thread waited for its reply while the others sent theirs
        most = int(proc.stderr.split("at most ")[1].split()[0])
        assert most >= 2, proc.stderr


@pytest.mark.parametrize("platform,machine", TARGETS)
def test_a_folder_removed_under_the_guest_gives_errno(share_app, platform, machine, tmp_path):
    """rm -rf of the shared folder while the guest works in it: its calls
    get ENOENT back (no crash, no hang) and kiln exits with the guest's
    status."""
    data = tmp_path / "data"
    data.mkdir()
    machine_flag = ["--machine", machine] if machine else []
    guest = Guest(share_app(platform), "--plat", platform, *machine_flag, "--timeout", "150",
                  "-v", f"{data}:/data", "--", "vanish", "/data")
    try:
        guest.wait_for("vanish: ready")
        shutil.rmtree(data)
        status = guest.finish()
    finally:
        guest.kill()
    out = "\n".join(guest.out + guest.err)
    assert status == 42 and "vanish: done" in guest.out, out
    assert "opendir(sub) -> No such file or directory" in guest.out, out
    assert "Traceback" not in out


POSIX = ROOT / "tests/apps/posix"
FILE_SECTIONS = ("files", "dirs")


@pytest.fixture(scope="module")
def posix_in_share(tmp_path_factory):
    """The POSIX test app with the share API, and its file sections' lines
    when run natively in a folder of the host (the reference)."""
    def add_share(folder):
        toml = folder / "kiln.toml"
        toml.write_text(toml.read_text().replace('"vfs-procfs"]', '"vfs-procfs", "share"]'))
    work = tmp_path_factory.mktemp("posix-native")
    exe = work / "posixtest"
    subprocess.run(["gcc", "-O1", "-D_GNU_SOURCE", "-pthread", "-o", str(exe),
                    *map(str, sorted(POSIX.glob("*.c")))], check=True)
    reference = {}
    for section in FILE_SECTIONS:
        proc = subprocess.run([str(exe), section], cwd=work, capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        reference[section] = proc.stdout.splitlines()[-2:]
    return app_builder(tmp_path_factory, POSIX, add_share), reference


@pytest.mark.parametrize("platform,machine", TARGETS)
@pytest.mark.parametrize("section", FILE_SECTIONS)
def test_posix_file_checks_pass_in_a_share(posix_in_share, section, platform, machine,
                                           tmp_path):
    """The VFS's own file and directory checks, with a share as the
    working directory, end as they do on the host."""
    builder, reference = posix_in_share
    proc = run(builder, platform, machine, "-v", f"{tmp_path}:/work", "-e",
               "POSIXTEST_DIR=/work", "--", section)
    assert proc.stdout.splitlines()[-2:] == reference[section], proc.stdout + proc.stderr
    assert proc.returncode == 0


@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("linuxu", None)])
def test_kiln_toml_mounts_reach_the_guest(tmp_path_factory, platform, machine):
    """[[mount]] shares a folder of the app at every run, read-only here."""
    def add_mount(folder):
        (folder / "data").mkdir()
        (folder / "data/hello.txt").write_text("from kiln.toml\n")
        with open(folder / "kiln.toml", "a") as toml:
            toml.write('\n[[mount]]\nsource = "data"\npath = "/cfg"\nread-only = true\n')
    builder = app_builder(tmp_path_factory, ROOT / "tests/apps/share", add_mount)
    proc = run(builder, platform, machine, "--", "rofs", "/cfg")
    assert proc.returncode == 0 and "rofs: done" in proc.stdout, proc.stdout + proc.stderr
    assert proc.stdout.endswith("from kiln.toml\n")
