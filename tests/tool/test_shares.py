"""`kiln run -v HOSTDIR:GUESTPATH[:ro]`: every mistake is one line that
names the cause and the fix, before anything starts; a good share becomes
a virtio-9p device on kvm and a host path on linuxu, with the kernel
parameter the guest mounts it from."""

import shlex

import pytest

from conftest import mark_built, run_kiln, write
from kiln.errors import KilnError
from kiln.run import shares
from test_run_rules import app, one_line_error  # noqa: F401 (app: a fixture)


@pytest.mark.parametrize("spec, fragment", [
    ("nocolon", "share a folder as -v HOSTDIR:GUESTPATH"),
    (":/data", "share a folder as -v HOSTDIR:GUESTPATH"),
    ("{d}:", "share a folder as -v HOSTDIR:GUESTPATH"),
    ("{d}:/data:rx", "share a folder as -v HOSTDIR:GUESTPATH"),
    ("{d}:data", "the guest path 'data' is not absolute; write it from the root, e.g. "
                 "-v {d}:/data"),
    ("{d}/missing:/data", "host folder {d}/missing does not exist; create it"),
    ("{d}/file:/data", "{d}/file is a file, not a folder; share the folder that holds it "
                       "(-v {d}:/data)"),
    ("{d}:/", "a share cannot replace the guest's root"),
])
def test_mistakes(tmp_path, spec, fragment):
    (tmp_path / "file").write_text("x")
    value = spec.format(d=tmp_path)
    with pytest.raises(KilnError) as err:
        shares.parse_all([value])
    assert fragment.format(d=tmp_path) in str(err.value) and "\n" not in str(err.value)


def test_one_guest_path_twice(tmp_path):
    with pytest.raises(KilnError, match="guest path /data is given twice"):
        shares.parse_all([f"{tmp_path}:/data", f"{tmp_path}:/data/"])


def test_forms(tmp_path):
    a, b = shares.parse_all([f"{tmp_path}:/data", f"{tmp_path}:/x/y:ro"])
    assert (a.host, a.guest, a.read_only, a.tag) == (str(tmp_path), "/data", False, "kn0")
    assert (b.guest, b.read_only, b.tag) == ("/x/y", True, "kn1")


@pytest.mark.parametrize("spec", ["nocolon", "{d}:data", "{d}/missing:/data", "{d}/file:/d"])
@pytest.mark.parametrize("plat", ["kvm", "linuxu"])
def test_cli_mistakes_are_one_line(app, tmp_path, spec, plat):  # noqa: F811
    (tmp_path / "file").write_text("x")
    proc = run_kiln("run", "--plat", plat, "--dry-run", "-v", spec.format(d=tmp_path), cwd=app)
    one_line_error(proc, "-v ")


def test_kvm_shares_are_9p_devices(app, tmp_path):  # noqa: F811
    proc = run_kiln("run", "--dry-run", "-v", f"{tmp_path}:/data", "-v", f"{tmp_path}:/ro:ro",
                    "--machine", "pc", cwd=app)
    assert proc.returncode == 0, proc.stderr
    argv = shlex.split(proc.stdout)
    cmdline = argv[argv.index("-append") + 1]
    assert cmdline.startswith("share.mount=kn0:/data share.mount=kn1:/ro:ro --")
    assert f"local,id=kn1,path={tmp_path},security_model=none,readonly=on" in argv
    assert "virtio-9p-pci,fsdev=kn0,mount_tag=kn0" in argv


def test_linuxu_shares_are_host_paths(app, tmp_path):  # noqa: F811
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", "-v", f"{tmp_path}:/data:ro",
                    cwd=app)
    assert proc.returncode == 0, proc.stderr
    assert f"share.mount={tmp_path}:/data:ro" in shlex.split(proc.stdout)


def test_an_image_without_shares_is_refused(app, tmp_path):  # noqa: F811
    write(app / "build/linuxu/include/kn/config.h", "#define CONFIG_HAVE_CONSOLE 1\n")
    mark_built(app, "linuxu")
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", "-v", f"{tmp_path}:/d", cwd=app)
    one_line_error(proc, "fake cannot mount host folders", 'add "share" to [app] requires')


def test_kiln_toml_mounts_and_a_flag_that_replaces_one(app, tmp_path):  # noqa: F811
    (app / "data").mkdir()
    write(app / "kiln.toml", '[app]\nname = "fake"\n\n[[mount]]\nsource = "data"\n'
                             'path = "/data"\n\n[[mount]]\nsource = "data"\npath = "/cfg"\n'
                             'read-only = true\n')
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=app)
    assert proc.returncode == 0, proc.stderr
    argv = shlex.split(proc.stdout)
    assert f"share.mount={app / 'data'}:/data" in argv
    assert f"share.mount={app / 'data'}:/cfg:ro" in argv
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", "-v", f"{tmp_path}:/cfg", cwd=app)
    argv = shlex.split(proc.stdout)
    assert f"share.mount={tmp_path}:/cfg" in argv
    assert not any(word.endswith(":/cfg:ro") for word in argv)


@pytest.mark.parametrize("table, fragment", [
    ('[[mount]]\nsource = "data"\n', "[mount] needs 'path'"),
    ('[[mount]]\nsource = "data"\npath = "data"\n', "mount path 'data' is not absolute"),
    ('[[mount]]\nsource = "data"\npath = "/d"\nreadonly = true\n', "unknown key 'readonly'"),
    ('[[mount]]\nsource = "nothere"\npath = "/d"\n', "host folder"),
    ('mount = "data:/d"\n', "'mount' must be an array of tables"),
])
def test_kiln_toml_mount_mistakes(app, table, fragment):  # noqa: F811
    (app / "data").mkdir()
    app_table = '[app]\nname = "fake"\n\n'
    # A top-level key goes before the first table.
    write(app / "kiln.toml", table + app_table if table.startswith("mount") else app_table + table)
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=app)
    one_line_error(proc, "kiln.toml:", fragment)
