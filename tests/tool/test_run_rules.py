"""`kiln run`'s rules for its input, checked before anything starts and the
same on both platforms and both command-line readers: the app's arguments
(-a, `--`), kernel parameters, timeouts (flag and kiln.toml), memory."""

import shlex
import struct

import pytest

from conftest import mark_built, run_kiln, write


def fake_elf(path, load_end: int) -> None:
    """A 64-bit ELF whose one PT_LOAD segment ends at load_end."""
    header = bytearray(64)
    header[:5] = b"\x7fELF\x02"
    struct.pack_into("<Q", header, 32, 64)          # e_phoff
    struct.pack_into("<HH", header, 54, 56, 1)      # e_phentsize, e_phnum
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x100000, 0x100000, 0x1000,
                       load_end - 0x100000, 0x1000)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(header) + phdr)


def with_kvm_image(app):
    """fake_built_app without a [run] table, and with a kvm image too."""
    write(app / "kiln.toml", '[app]\nname = "fake"\n')
    fake_elf(app / "build/kvm/fake", 0x400000)
    mark_built(app, "kvm")
    return app


@pytest.fixture
def app(fake_built_app):
    return with_kvm_image(fake_built_app)


def one_line_error(proc, *fragments, status=2):
    assert proc.returncode == status, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    errors = [l for l in proc.stderr.splitlines() if l.startswith("kiln: error:")]
    assert len(errors) == 1 and len(proc.stderr.splitlines()) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


def dry_run_argv(app, *args) -> list[str]:
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", *args, cwd=app)
    assert proc.returncode == 0, proc.stderr
    return shlex.split(proc.stdout)


def test_unbalanced_quote_in_args_is_a_usage_error(app):
    one_line_error(run_kiln("run", "--plat", "linuxu", "-a", "-e 'x", "--dry-run", cwd=app),
                   "-a \"-e 'x\"", "balance its quotes")


def test_words_after_double_dash_are_the_apps(app):
    image = str(app / "build/linuxu/fake")
    assert dry_run_argv(app, "--", "a", "b c", "-k", "--") == [image, "--", "a", "b c",
                                                             "-k", "--"]
    assert dry_run_argv(app, "-a", "x 'y z'", "--", "w") == [image, "--", "x", "y z", "w"]
    # Through click (--help is not read by the fast path) they are no options either.
    proc = run_kiln("run", "--help", "--", "-p", cwd=app)
    assert proc.returncode == 0 and "[-- ARGS...]" in proc.stdout


def test_double_dash_is_never_a_kernel_parameter(app):
    one_line_error(run_kiln("run", "--plat", "linuxu", "-k", "--", "a", "--dry-run", cwd=app),
                   "requires an argument")
    for word in ("-k--", "--kernel-arg=--", "-k-x"):
        one_line_error(run_kiln("run", "--plat", "linuxu", word, "--dry-run", cwd=app),
                       "is not lib.name=value", "after `--`")


@pytest.mark.parametrize("value", ["0", "-1", "-0.5", "nan", "inf", "-inf"])
@pytest.mark.parametrize("platform", ["linuxu", "kvm"])
def test_bad_timeout_flag_is_refused(app, platform, value):
    one_line_error(run_kiln("run", "--plat", platform, f"--timeout={value}", "--dry-run", cwd=app),
                   "timeout", "more than 0")


@pytest.mark.parametrize("value, fragment", [("0", "more than 0"), ("-5", "more than 0"),
                                             ("nan", "more than 0"), ("inf", "more than 0"),
                                             ('"10"', "a number"), ("true", "a number")])
def test_bad_timeout_in_kiln_toml_is_refused(app, value, fragment):
    manifest = app / "kiln.toml"
    manifest.write_text(manifest.read_text() + f"\n[run]\ntimeout = {value}\n")
    one_line_error(run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=app),
                   "kiln.toml:5", "timeout", fragment)


def test_fractional_timeout_in_kiln_toml_is_taken(app):
    manifest = app / "kiln.toml"
    manifest.write_text(manifest.read_text() + "\n[run]\ntimeout = 0.5\n")
    assert run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=app).returncode == 0


@pytest.mark.parametrize("platform", ["linuxu", "kvm"])
def test_memory_no_host_can_give_is_refused_alike(app, platform):
    one_line_error(run_kiln("run", "--plat", platform, "-m", "0", "--dry-run", cwd=app),
                   "memory '0' is no memory")
    one_line_error(run_kiln("run", "--plat", platform, "-m", "99999G", "--dry-run", cwd=app),
                   "memory 99999G is more than this host's RAM")
    manifest = app / "kiln.toml"
    manifest.write_text(manifest.read_text() + '\n[run]\nmemory = "99999G"\n')
    one_line_error(run_kiln("run", "--plat", platform, "--dry-run", cwd=app),
                   "memory 99999G is more than this host's RAM")


def test_vm_smaller_than_the_image_is_refused_before_qemu(app):
    """The image loads up to 4 MiB: 4M leaves boot no room, 5M does."""
    for memory in ("1K", "512K", "1M", "1100K", "4M"):
        one_line_error(run_kiln("run", "--plat", "kvm", "-m", memory, "--dry-run", cwd=app),
                       "needs RAM up to 0x400000", "at least 5M")
    proc = run_kiln("run", "--plat", "kvm", "-m", "5M", "--dry-run", cwd=app)
    assert proc.returncode == 0 and "-m 5120K" in proc.stdout, proc.stderr
