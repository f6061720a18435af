"""The edges of the kiln command: a read-only app folder, usage errors,
option values, output width, what `kiln init` writes, and the benchmarks'
plotting dependency."""

import errno
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import click
import pytest

from conftest import ROOT, run_kiln
from test_cli import assert_one_line_error, console_app  # noqa: F401 (a fixture)

# ------------------------------------------------------------ read-only app


def _read_only(folder: Path, *command) -> subprocess.CompletedProcess:
    """Runs `command` in `folder` bind-mounted read-only over itself, in a
    private mount namespace (root ignores mode bits, not a read-only mount)."""
    script = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && cd "$0" '
              '&& exec "$@"')
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                           str(folder), *map(str, command)],
                          capture_output=True, text=True, timeout=600)


def _kiln_read_only(folder: Path, *args) -> subprocess.CompletedProcess:
    return _read_only(folder, sys.executable, "-m", "kiln", *args)


@pytest.fixture
def read_only_works(tmp_path):
    probe = tmp_path / "probe"
    probe.mkdir()
    proc = _read_only(probe, "sh", "-c", "! touch written")
    if proc.returncode != 0:
        pytest.skip(f"cannot make a read-only bind mount here: {proc.stderr.strip()}")


def _snapshot(folder: Path) -> dict:
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*")}


def test_read_only_app_runs_and_refuses_to_build(console_app, read_only_works):
    (console_app / ".kiln").mkdir()
    (console_app / ".kiln/linuxu.toml").write_text("[config]\nBOOT_MAX_ARGS = 16\n")
    assert run_kiln("build", "--plat", "linuxu", cwd=console_app).returncode == 0
    # The kept kiln.toml parse is missing: `run` would write it, and cannot.
    (console_app / "build/.kiln.toml.marshal").unlink(missing_ok=True)
    before = _snapshot(console_app)

    run = _kiln_read_only(console_app, "run", "--plat", "linuxu", "-a", "a b")
    # kn_printk writes kernel messages: the guest's stderr.
    assert run.returncode == 2 and run.stderr == "con says hi (2 args)\n", run.stderr
    assert run.stdout == ""
    size = _kiln_read_only(console_app, "size", "--plat", "linuxu")
    assert size.returncode == 0 and "console" in size.stdout, size.stderr
    why = _kiln_read_only(console_app, "why", "console", "--plat", "linuxu")
    assert why.returncode == 0, why.stderr

    for args in (["build", "--plat", "linuxu"], ["build"], ["configure", "--plat", "linuxu"],
                 ["configure", "--plat", "linuxu", "-s", "BOOT_MAX_ARGS=8"], ["clean"]):
        assert_one_line_error(_kiln_read_only(console_app, *args), "read-only file system",
                              "writable folder")
    # A write no check foresaw fails in one line too, naming the file.
    assert_one_line_error(_kiln_read_only(console_app, "configure", "--plat", "linuxu", "--reset"),
                          ".kiln/linuxu.toml: Read-only file system", "writable folder")
    assert _snapshot(console_app) == before


def test_unwritable_parse_cache_is_skipped(tmp_path, monkeypatch):
    from kiln import tomlfile
    manifest = tmp_path / "kiln.toml"
    manifest.write_text('[app]\nname = "x"\n')

    def refuse(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(self))
    monkeypatch.setattr(Path, "write_bytes", refuse)
    monkeypatch.setattr(Path, "unlink", refuse)
    assert tomlfile.load(manifest, tmp_path).data == {"app": {"name": "x"}}


def test_unwritable_error_is_only_for_places():
    from kiln.writable import unwritable_error
    assert "Permission denied; fix its permissions" in str(
        unwritable_error(PermissionError(errno.EACCES, "Permission denied", "/x/y")))
    assert unwritable_error(OSError(errno.EIO, "I/O error", "/x/y")) is None
    assert unwritable_error(OSError(errno.EROFS, "Read-only file system")) is None

# ------------------------------------------------------------ menuconfig


def test_menuconfig_without_a_terminal_says_so(console_app):
    proc = subprocess.run([sys.executable, "-m", "kiln", "menuconfig", "--plat", "linuxu"],
                          cwd=console_app, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=120)
    assert_one_line_error(proc, "needs a terminal", "kiln configure -s")
    assert "\x1b" not in proc.stdout + proc.stderr  # no curses screen left behind


def test_menuconfig_with_a_dumb_terminal_says_so(console_app):
    status, output = _on_terminal(console_app, ["menuconfig", "--plat", "linuxu"], 80,
                                  {"TERM": "dumb"})
    assert status == 2, output
    assert "kiln: error: kiln menuconfig needs a terminal that draws menus" in output
    assert "\x1b" not in output

# ------------------------------------------------------------ configure values


def test_unknown_option_on_the_command_line(console_app):
    proc = run_kiln("configure", "--plat", "linuxu", "-s", "BOOT_MAX_ARG=8", cwd=console_app)
    assert_one_line_error(proc, "unknown option BOOT_MAX_ARG", "did you mean BOOT_MAX_ARGS?",
                          "kiln configure --list")
    assert "--unset" not in proc.stderr  # nothing was saved, so nothing to unset
    assert_one_line_error(run_kiln("configure", "--plat", "linuxu", "-s", "NOSUCH=1",
                                   cwd=console_app), "no option of that name")
    assert not (console_app / ".kiln").exists()


@pytest.mark.parametrize("word,value", [("true", "y"), ("TRUE", "y"), ("Yes", "y"),
                                        ("1", "y"), ("y", "y"), ("false", "n"),
                                        ("No", "n"), ("0", "n"), ("N", "n")])
def test_boolean_words(console_app, word, value):
    proc = run_kiln("configure", "--plat", "linuxu", "-s", f"APP_BASE={word}", cwd=console_app)
    assert proc.returncode == 0, proc.stderr
    assert f"CONFIG_APP_BASE={value}" in (console_app / "build/linuxu/.config").read_text() \
        or (value == "n" and "# CONFIG_APP_BASE is not set"
            in (console_app / "build/linuxu/.config").read_text())


def test_bad_boolean_names_the_accepted_words(console_app):
    assert_one_line_error(run_kiln("configure", "--plat", "linuxu", "-s", "APP_BASE=maybe",
                                   cwd=console_app),
                          "APP_BASE must be y or n (or true/false, yes/no, 1/0), not 'maybe'")

# ------------------------------------------------------------ usage errors


@pytest.mark.parametrize("top", ["-1", "0"])
def test_size_top_must_be_positive(tmp_path, top):
    assert_one_line_error(run_kiln("size", "--top", top, cwd=tmp_path), "--top",
                          "(see `kiln size --help`)")


def _commands(group: click.Group, path: list[str]):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, path + [name])
        else:
            yield path + [name], command


def test_usage_errors_point_at_the_subcommand_help(tmp_path):
    from kiln.commands import cli
    for path, command in _commands(cli, []):
        # env passes unknown options on to its COMMAND: give it a bad value.
        bad = (["--plat", "nowhere"] if command.context_settings.get("ignore_unknown_options")
               else ["--no-such-option"])
        proc = run_kiln(*path, *bad, cwd=tmp_path)
        assert_one_line_error(proc, f"(see `kiln {' '.join(path)} --help`)")
    assert_one_line_error(run_kiln("lib", "nosuch", cwd=tmp_path), "(see `kiln lib --help`)")
    assert_one_line_error(run_kiln("biuld", cwd=tmp_path), "(see `kiln --help`)")

# ------------------------------------------------------------ lib list width


def _on_terminal(cwd: Path, args: list[str], columns: int, env: dict) -> tuple[int, str]:
    """Runs kiln with a pseudo-terminal of `columns` columns as its stdin,
    stdout and stderr; returns (exit status, everything it printed)."""
    main, side = pty.openpty()
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    full_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen([sys.executable, "-m", "kiln", *args], cwd=cwd,
                            env={**full_env, **env}, stdin=side, stdout=side, stderr=side)
    os.close(side)
    output = b""
    while True:  # until the child closes the terminal
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            proc.kill()
            raise AssertionError(f"kiln printed nothing for 60 s: {output[-500:]!r}")
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the other side is closed
            chunk = b""
        if not chunk:
            break
        output += chunk
    os.close(main)
    return proc.wait(timeout=60), output.decode(errors="replace").replace("\r\n", "\n")


def _lib_list(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run([sys.executable, "-m", "kiln", "lib", "list"], env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def _summaries() -> list[str]:
    import json
    return [r["summary"] for r in json.loads(run_kiln("lib", "list", "--json").stdout)]


def test_lib_list_fits_the_terminal(tmp_path):
    status, output = _on_terminal(tmp_path, ["lib", "list"], 100, {})
    assert status == 0, output
    lines = output.rstrip("\n").split("\n")
    assert max(len(line) for line in lines) <= 100, output
    words = output.split()
    for summary in _summaries():  # wrapped, not cut: every word is there
        assert all(word in words for word in summary.split()), summary
    narrow = _lib_list({"COLUMNS": "80"})
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80, narrow.stdout


def test_lib_list_to_a_pipe_keeps_whole_lines():
    proc = _lib_list({})
    lines = proc.stdout.splitlines()
    summaries = _summaries()
    assert len(lines) == len(summaries) + 1  # the header, then one line per library
    assert max(len(line) for line in lines) > 100
    assert all(any(line.endswith(s) for line in lines) for s in summaries)

# ------------------------------------------------------------ kiln init


def test_init_writes_a_gitignore(tmp_path):
    assert run_kiln("init", tmp_path / "fresh").returncode == 0
    rules = (tmp_path / "fresh/.gitignore").read_text().split()
    assert "build/" in rules and ".kiln/" in rules
    mine = tmp_path / "mine"
    (mine).mkdir()
    (mine / ".gitignore").write_text("*.o\n")
    assert run_kiln("init", mine).returncode == 0
    assert (mine / ".gitignore").read_text() == "*.o\n"

# ------------------------------------------------------------ benchmarks' plots


@pytest.fixture
def bench_report(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import places
    import report
    monkeypatch.setattr(places, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(places, "REPO", tmp_path)
    return report


def test_benchmarks_draw_their_plots(bench_report):
    def draw(plt):
        fig, ax = plt.subplots()
        ax.bar(["a", "b"], [1, 2])
        return fig
    path = bench_report.save_plot("check", draw)
    assert path.read_bytes().startswith(b"\x89PNG")


def test_benchmarks_stop_without_matplotlib(bench_report, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import raises ImportError
    parser = bench_report.arg_parser("x", runs=1, quick_runs=1)
    with pytest.raises(SystemExit) as stopped:
        bench_report.parse_args(parser, [])
    assert "matplotlib is not installed" in str(stopped.value.code)
    assert "tools/setup.sh" in str(stopped.value.code)


def test_setup_installs_the_bench_extra():
    setup = ROOT / "tools/setup.sh"
    assert subprocess.run(["bash", "-n", str(setup)]).returncode == 0
    assert '-e ".[test,bench]"' in setup.read_text()
    assert '"matplotlib>=3.5"' in (ROOT / "pyproject.toml").read_text()


def test_short_p_is_refused_with_the_plat_hint_on_every_platform_command(tmp_path):
    from kiln.commands import cli
    taking = [tuple(path) for path, command in _commands(cli, [])
              if any(p.name == "platform" for p in command.params)]
    assert {("build",), ("run",), ("size",), ("configure",)} <= set(taking)
    for path in taking:
        proc = run_kiln(*path, "-p", "linuxu", cwd=tmp_path)
        assert_one_line_error(proc, "-p linuxu: choose the platform with --plat linuxu")
        assert proc.returncode == 2
