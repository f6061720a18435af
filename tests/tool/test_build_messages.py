"""Every build message tells the truth and the fix: bad input refused up
front in one line, compiler failures explained, stdout kept for results,
long work reporting that it is alive."""

import sys

import pytest

from conftest import run_kiln, write
from kiln import progress


def one_error(proc, status=2) -> str:
    assert proc.returncode == status, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [l for l in proc.stderr.splitlines() if l.startswith("kiln: error:")]
    assert len(errors) == 1, proc.stderr
    return errors[0]


def make_app(folder, app_table: str, main: str = "int main(void) { return 0; }\n"):
    write(folder / "kiln.toml", "[app]\n" + app_table)
    write(folder / "main.c", main)
    return folder


def build(folder):
    return run_kiln("build", "--plat", "linuxu", cwd=folder)


def test_no_sources_says_there_is_no_main(tmp_path):
    app = make_app(tmp_path / "a", 'name = "a"\nsources = []\n')
    error = one_error(build(app), status=1)
    assert "a has no main(): [app] sources is empty" in error
    assert "sched" not in error


def test_no_source_defining_main_says_so(tmp_path):
    app = make_app(tmp_path / "a", 'name = "a"\nsources = ["helper.c"]\n')
    write(app / "helper.c", "int helper(void) { return 1; }\n")
    error = one_error(build(app), status=1)
    assert "a has no main(): none of its sources defines it" in error


@pytest.mark.parametrize("sources, fragment", [
    ('["main.c", "main.c"]', "'main.c' is listed twice in sources; list it once"),
    ('["main.c", "./main.c"]', "'main.c' and './main.c' are the same file"),
    ('["main.c", "kiln.toml"]', "'kiln.toml' is not a C or assembly source"),
    ('["main.c", "notes.txt"]', "'notes.txt' is not a C or assembly source"),
])
def test_bad_source_lists_are_refused_up_front(tmp_path, sources, fragment):
    app = make_app(tmp_path / "a", f'name = "a"\nsources = {sources}\n')
    write(app / "notes.txt", "not code\n")
    error = one_error(build(app))
    assert "kiln.toml:3:" in error and fragment in error
    assert not (app / "build/linuxu").exists()  # nothing was compiled


@pytest.mark.parametrize("name, fragment", [
    ("lib", "app name 'lib' is reserved"),
    ("obj", "app name 'obj' is reserved"),
    ("include", "app name 'include' is reserved"),
    ("Kconfig", "app name 'Kconfig' is reserved"),
    ("a" * 301, "app name is 301 characters long; use at most 64"),
])
def test_names_the_build_folder_cannot_hold_are_refused(tmp_path, name, fragment):
    app = make_app(tmp_path / "a", f'name = "{name}"\nrequires = ["console"]\n')
    error = one_error(build(app))
    assert "kiln.toml:2:" in error and fragment in error


def test_stdout_carries_only_the_result(tmp_path):
    app = make_app(tmp_path / "a", 'name = "a"\n',
                   "int main(void) { int unused; return 0; }\n")
    proc = build(app)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 1 and proc.stdout.startswith("kiln: built ")
    assert "[1/" in proc.stderr and "unused variable" in proc.stderr
    assert "kiln: a for linuxu:" in proc.stderr
    again = build(app)
    assert again.stdout.startswith("kiln: nothing to do") and len(again.stdout.splitlines()) == 1

    write(app / "main.c", "int main(void) { return nope; }\n")
    failed = build(app)
    assert failed.returncode == 1 and failed.stdout == ""
    assert "nope" in failed.stderr


def test_libc_header_without_libc_gets_a_hint(tmp_path):
    app = make_app(tmp_path / "a", 'name = "a"\nrequires = ["console"]\n',
                   '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n')
    proc = build(app)
    one_error(proc, status=1)
    lines = proc.stderr.splitlines()
    hint = ('kiln: hint: main.c includes <stdio.h>, a libc header; '
            'add "libc" to requires in kiln.toml')
    assert hint in lines
    assert lines.index(hint) > next(i for i, l in enumerate(lines) if "fatal error" in l)
    # With libc in the image the same app builds.
    manifest = app / "kiln.toml"
    manifest.write_text(manifest.read_text().replace('["console"]', '["console", "libc"]'))
    assert build(app).returncode == 0


def test_a_missing_header_of_the_app_gets_no_libc_hint(tmp_path):
    app = make_app(tmp_path / "a", 'name = "a"\n',
                   '#include "mine.h"\nint main(void) { return 0; }\n')
    proc = build(app)
    one_error(proc, status=1)
    assert "kiln: hint:" not in proc.stderr


def test_progress_reports_a_long_command(capsys):
    """A command that prints compiler lines and runs longer than the
    interval: its progress line names the files compiled so far."""
    script = "for i in 1 2 3; do echo gcc -c f$i.c; done; sleep 1; echo done"
    status, output = progress.run(["sh", "-c", script], "fetch demo", interval=0.05)
    assert status == 0 and output.endswith("done\n")
    err = capsys.readouterr().err
    assert "kiln: fetch demo: still running (" in err
    assert "3 files compiled)" in err.splitlines()[-1]


def test_progress_counts_lines_without_compiler_lines(capsys):
    script = "import time; print('checking\\nchecking', flush=True); time.sleep(1); exit(3)"
    status, output = progress.run([sys.executable, "-c", script], "fetch demo", interval=0.05)
    assert status == 3 and output == "checking\nchecking\n"
    assert capsys.readouterr().err.splitlines()[-1].endswith(", 2 lines of output)")
