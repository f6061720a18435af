"""The style is kept by tools, checked here (the test suite is CI): ruff for
Python, clang-format for our C, both through tools/format.sh, which also
fixes what they find (`bash tools/format.sh`)."""

import subprocess
import tomllib

from conftest import ROOT


def _check(what: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ROOT / "tools/format.sh"), "--check", what],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def _summary(proc: subprocess.CompletedProcess, lines: int = 40) -> str:
    out = (proc.stdout + proc.stderr).splitlines()
    return "\n".join(out[:lines] + ([f"... ({len(out) - lines} more lines)"]
                                    if len(out) > lines else []))


def test_python_passes_ruff():
    proc = _check("python")
    assert proc.returncode == 0, (f"ruff findings (fix with `bash tools/format.sh python`):\n"
                                  f"{_summary(proc)}")


def test_c_follows_clang_format():
    proc = _check("c")
    assert proc.returncode == 0, (f"C not in .clang-format's style (reformat with "
                                  f"`bash tools/format.sh c`):\n{_summary(proc)}")


def test_setup_installs_the_style_tools():
    setup = (ROOT / "tools/setup.sh").read_text()
    assert "clang-format" in setup
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    assert any(dep.startswith("ruff") for dep in extras["test"])


def test_format_refuses_an_unknown_target():
    proc = _check("rust")
    assert proc.returncode == 2 and "unknown target 'rust'" in proc.stderr
