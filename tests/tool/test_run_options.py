"""`kiln run` without click: kiln.cli reads a well-formed `kiln run` command
line itself, from the option table click's `run` command is built from.
These tests hold the two readings equal, send everything else (help,
mistakes) to click, and keep the run path's imports light."""

import os
import shlex
import subprocess
import sys

import pytest

from conftest import run_kiln, write
from kiln import commands, runner
from kiln.errors import KilnError
from kiln.run.options import parse_run


def click_reading(argv, monkeypatch):
    """The app and RunRequest click hands to run_app for argv, or the
    KilnError it reports instead."""
    seen = {}

    def fake_run_app(app_dir, request):
        seen["request"] = request
        return 0

    monkeypatch.setattr(runner, "run_app", fake_run_app)
    monkeypatch.setattr(commands, "app_dir", lambda app: seen.setdefault("app", app))
    try:
        commands.main(list(argv))
    except SystemExit:
        pass
    except KilnError as exc:
        return exc
    return seen["app"], vars(seen["request"])


def fast_reading(argv):
    values = parse_run(argv)
    if values is None:
        return None
    app = values.pop("app")
    return app, vars(runner.RunRequest.from_options(values))


@pytest.mark.parametrize("argv", [
    ["run"],
    ["run", "--plat", "linuxu", "--dry-run"],
    ["--app", "x/y", "run", "-m64M"],
    ["--app=x", "run", "--platform=linuxu", "-m", "64M", "--memory=1G"],
    ["run", "--machine", "pc", "--accel", "tcg", "-a", "one two", "-a", "three"],
    ["run", "-k", "a.b=1", "--kernel-arg=c.d=2", "-ka.b=3", "-a", "-x", "-m=5M"],
    ["run", "--timeout", "2.5", "--initrd", "no/such/file.cpio", "--memory="],
    ["run", "--timeout", "1e1", "-a", "", "--dry-run", "--dry-run"],
    ["--app", "--weird", "run", "-memory"],
    ["run", "--", "-a", "b", "--", "--timeout"],
    ["run", "--plat", "linuxu", "-a", "x", "--"],
    ["run", "--timeout", "-1", "--", "--dry-run"],
    ["run", "-e", "A=1", "--env=B=x y", "-eC", "--env", "D"],
])
def test_fast_reading_is_clicks(argv, monkeypatch):
    assert fast_reading(argv) == click_reading(argv, monkeypatch)


@pytest.mark.parametrize("argv, fragment", [
    (["run", "--no-such"], "No such option"),
    (["run", "-x"], "No such option"),
    (["run", "--machine", "q35"], "'q35' is not one of"),
    (["run", "--plat", "windows"], "'windows' is not one of"),
    (["run", "--timeout", "soon"], "'soon' is not a valid float"),
    (["run", "--memory"], "requires an argument"),
    (["run", "--dry-run=yes"], "does not take a value"),
    (["run", "extra"], "unexpected extra argument"),
    (["run", "-k", "--", "x"], "requires an argument"),
    (["run", "-a", "--"], "requires an argument"),
    (["--app"], "requires an argument"),
    (["run", "--app", "x"], "No such option"),
])
def test_mistakes_go_to_click(argv, fragment, monkeypatch):
    assert parse_run(argv) is None
    error = click_reading(argv, monkeypatch)
    assert isinstance(error, KilnError) and error.status == 2
    assert fragment in str(error)


def test_folder_as_initrd_goes_to_click(tmp_path, monkeypatch):
    argv = ["run", "--initrd", str(tmp_path)]
    assert parse_run(argv) is None
    assert "is a directory" in str(click_reading(argv, monkeypatch))


def test_other_commands_and_help_go_to_click():
    for argv in (["build"], ["run", "--help"], ["run", "-h"], ["--version", "run"],
                 ["-h"], [], ["runs"], ["lib", "list"]):
        assert parse_run(argv) is None, argv


def test_bad_run_option_is_one_line_exit_2(tmp_path):
    for argv, fragment in ((["run", "--bogus"], "--bogus"),
                           (["run", "--accel", "fast"], "'fast' is not one of")):
        proc = run_kiln(*argv, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert proc.stderr.startswith("kiln: error: ") and fragment in proc.stderr
        assert proc.stderr.rstrip().endswith("(see `kiln run --help`)")


def test_run_help_lists_every_option(tmp_path):
    proc = run_kiln("run", "--help", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("Usage: kiln run [OPTIONS]")
    for flag in ("--platform [kvm|linuxu]", "--machine [microvm|pc]", "--accel",
                 "--memory", "--args", "--kernel-arg", "--env KEY[=VALUE]", "--initrd FILE",
                 "--timeout FLOAT",
                 "--dry-run", "--help"):
        assert flag in proc.stdout, flag


def test_dry_run_through_the_fast_path(fake_built_app, tmp_path):
    proc = run_kiln("--app", fake_built_app, "run", "--plat", "linuxu", "--dry-run",
                    "-m", "2M", "-k", "x.y=1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    image = fake_built_app / "build/linuxu/fake"
    assert proc.stdout == shlex.join([str(image), "linuxu.mem=2097152", "x.y=1", "--",
                                      "a b"]) + "\n"


# Not needed before the guest starts; each costs milliseconds to import.
HEAVY = ("click", "dataclasses", "json", "elftools", "kconfiglib", "kiln.commands",
         "kiln.fetchspec", "kiln.catalog")


def test_run_path_imports_stay_light(fake_built_app):
    """`kiln run` (here --dry-run, under -S so that site-packages' .pth
    files load nothing) imports none of HEAVY."""
    proc = subprocess.run([sys.executable, "-S", "-X", "importtime", "-m", "kiln", "run",
                           "--plat", "linuxu", "--dry-run"], cwd=fake_built_app,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    loaded = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
              if line.startswith("import time:")}
    assert "kiln.runner" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def imported_by_dry_run(app) -> set[str]:
    proc = subprocess.run([sys.executable, "-S", "-X", "importtime", "-m", "kiln", "run",
                           "--plat", "linuxu", "--dry-run"],
                          cwd=app, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
            if line.startswith("import time:")}


def test_built_app_manifest_parse_is_kept(fake_built_app):
    """Once build/ exists, kiln.toml's parse is kept there: the next run
    does not import tomllib. Another text is parsed again."""
    assert "tomllib" in imported_by_dry_run(fake_built_app)  # the first parse
    assert (fake_built_app / "build/.kiln.toml.marshal").is_file()
    assert "tomllib" not in imported_by_dry_run(fake_built_app)
    toml = fake_built_app / "kiln.toml"
    toml.write_text(toml.read_text().replace('"a b"', '"c d"'))
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=fake_built_app)
    assert proc.stdout.rstrip().endswith("-- 'c d'"), proc.stdout


def test_bad_manifest_parse_cache_is_ignored(fake_built_app):
    """A cache file that is garbage, or belongs to another text, changes
    nothing; a syntax error is still reported with its line."""
    cache = fake_built_app / "build/.kiln.toml.marshal"
    cache.write_bytes(b"garbage")
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=fake_built_app)
    assert proc.returncode == 0 and proc.stdout.rstrip().endswith("-- 'a b'"), proc.stderr
    (fake_built_app / "kiln.toml").write_text('[app]\nname = "fake"\nbroken =\n')
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=fake_built_app)
    assert proc.returncode == 2 and "kiln.toml:3: invalid TOML" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_unbuilt_app_writes_no_cache(tmp_path):
    app = tmp_path / "app"
    write(app / "kiln.toml", '[app]\nname = "fake"\n')
    write(app / "main.c", "int main(void) { return 0; }\n")
    proc = run_kiln("run", "--plat", "linuxu", "--dry-run", cwd=app)
    assert proc.returncode != 0 and "kiln build" in proc.stderr
    assert not (app / "build").exists()


def test_broken_pipe_is_quiet_exit_1(fake_built_app):
    """As click does for the other commands: a reader that went away."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "kiln", "run", "--plat", "linuxu",
                               "--dry-run"], cwd=fake_built_app, stdout=write,
                              stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write)
    assert proc.returncode == 1 and proc.stderr == ""


def test_environment_goes_before_the_separator(fake_built_app, tmp_path):
    """[run] env, then -e (over it; KEY alone takes the host's value and is
    skipped when the host has none): NAME=VALUE words the guest's boot
    reads, after -k's."""
    toml = fake_built_app / "kiln.toml"
    toml.write_text(toml.read_text() + 'env = { A = "toml", B = "toml" }\n')
    proc = run_kiln("--app", fake_built_app, "run", "--plat", "linuxu", "--dry-run",
                    "-k", "x.y=1", "-e", "B=cli", "-e", "FROMHOST", "-e", "EMPTYHOST",
                    "-e", "KILN_SURELY_UNSET", "-e", 'Q=say "hi" \\o/', cwd=tmp_path,
                    env={"FROMHOST": "h v", "EMPTYHOST": ""})
    assert proc.returncode == 0, proc.stderr
    image = fake_built_app / "build/linuxu/fake"
    assert shlex.split(proc.stdout) == [str(image), "x.y=1", "A=toml", "B=cli",
                                        "FROMHOST=h v", "EMPTYHOST=", 'Q=say "hi" \\o/',
                                        "--", "a b"]


@pytest.mark.parametrize("entry, fragment", [
    ("1X=2", "must start with a letter or _"),
    ("A-B=2", "only letters, digits and _"),
    ("=2", "an empty name"),
])
def test_bad_env_option_is_one_line(fake_built_app, tmp_path, entry, fragment):
    proc = run_kiln("--app", fake_built_app, "run", "--plat", "linuxu", "--dry-run", "-e",
                    entry, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and fragment in proc.stderr
    assert "write -e KEY=VALUE" in proc.stderr


def test_nul_in_env_value_is_refused():
    """The one byte the kernel command line cannot carry (argv cannot
    either, but kiln.toml can: "\\u0000")."""
    from kiln.run import env
    with pytest.raises(KilnError, match="NUL byte"):
        env.from_cli(["A=x\0y"])
