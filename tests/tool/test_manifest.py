"""kiln.toml validation: every bad input names the file and line."""

import pytest

from conftest import write
from kiln.errors import KilnError
from kiln.manifest import load_app, parse_size


def load_text(app, text):
    write(app / "kiln.toml", text)
    return load_app(app)


def error_of(app, text) -> str:
    with pytest.raises(KilnError) as info:
        load_text(app, text)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_minimal_manifest_defaults(app):
    m = load_text(app, '[app]\nname = "hello"\n')
    assert m.name == "hello"
    assert m.sources == ["main.c"]
    assert m.run.platform == "kvm" and m.run.machine == "microvm"
    assert m.run.memory is None  # the platform's default


def test_syntax_error_has_line(app):
    msg = error_of(app, '[app]\nname = "x"\nsources = ["main.c"\n')
    assert "kiln.toml:4" in msg or "kiln.toml:3" in msg
    assert "invalid TOML" in msg


def test_missing_app_table(app):
    assert "missing [app]" in error_of(app, '[run]\nmemory = "1M"\n')


def test_missing_name(app):
    msg = error_of(app, '[app]\nsources = ["main.c"]\n')
    assert "kiln.toml:1" in msg and "needs 'name'" in msg


def test_unknown_key_points_at_line(app):
    msg = error_of(app, '[app]\nname = "x"\n\nsoruces = ["main.c"]\n')
    assert "kiln.toml:4" in msg and "unknown key 'soruces'" in msg and "sources" in msg


def test_wrong_type(app):
    msg = error_of(app, '[app]\nname = "x"\nsources = "main.c"\n')
    assert "kiln.toml:3" in msg and "must be a list of strings" in msg


def test_unknown_table(app):
    assert "unknown table or key 'bild'" in error_of(app, '[app]\nname="x"\n[bild]\na=1\n')


def test_bad_name(app):
    assert "must start with a letter" in error_of(app, '[app]\nname = "1x"\n')


def test_missing_source(app):
    msg = error_of(app, '[app]\nname = "x"\nsources = ["nope.c"]\n')
    assert "kiln.toml:3" in msg and "nope.c" in msg


def test_bad_memory_and_platform(app):
    assert "not a size" in error_of(app, '[app]\nname="x"\n[run]\nmemory = "lots"\n')
    assert "unknown platform 'xen'" in error_of(app, '[app]\nname="x"\n[run]\nplatform = "xen"\n')
    assert "unknown machine" in error_of(app, '[app]\nname="x"\n[run]\nmachine = "q35"\n')


def test_config_values_must_be_scalars(app):
    msg = error_of(app, '[app]\nname="x"\n[config]\nFOO = [1, 2]\n')
    assert "kiln.toml:4" in msg


@pytest.mark.parametrize("text,size", [("64M", 64 << 20), ("2m", 2 << 20), ("1G", 1 << 30),
                                       ("512K", 512 << 10), ("16", 16 << 20), ("1GiB", 1 << 30)])
def test_parse_size(text, size):
    assert parse_size(text) == size


def test_parse_size_rejects_garbage():
    with pytest.raises(ValueError):
        parse_size("1T")


def test_run_env_table_or_list(app):
    m = load_text(app, '[app]\nname="x"\n[run]\nenv = { A = "1", B_2 = "x=y z" }\n')
    assert m.run.env == {"A": "1", "B_2": "x=y z"}
    m = load_text(app, '[app]\nname="x"\n[run]\nenv = ["A=1", "B=x=y", "C="]\n')
    assert m.run.env == {"A": "1", "B": "x=y", "C": ""}
    assert load_text(app, '[app]\nname="x"\n').run.env == {}


@pytest.mark.parametrize("env, fragment", [
    ('["A"]', "has no '='"),
    ('["1A=x"]', "must start with a letter or _"),
    ('{ "A.B" = "x" }', "only letters, digits and _"),
    ('{ A = "x\\u0000" }', "NUL byte"),
    ('{ A = 1 }', "must be a table of strings or a list of strings"),
])
def test_bad_run_env_points_at_line(app, env, fragment):
    message = error_of(app, f'[app]\nname="x"\n[run]\nenv = {env}\n')
    assert fragment in message and "kiln.toml:4:" in message, message
