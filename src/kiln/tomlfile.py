"""Reading TOML files with errors that point at file:line.

tomllib reports syntax errors with a line number but keeps no positions for
values, so semantic errors find their line by scanning the text for the
table header and key."""

import marshal
import os
import re
from pathlib import Path

from .errors import KilnError

# Compiled (and cached by re) on first use: only errors need them.
_HEADER = r"^\s*\[+\s*([^\]]+?)\s*\]+"
_KEY = r'^\s*"?([A-Za-z0-9_.-]+)"?\s*='


class TomlDoc:
    """A parsed file and its text (a plain class: see kiln.runner)."""

    def __init__(self, path: Path, text: str, data: dict):
        self.path, self.text, self.data = path, text, data

    def line_of(self, table: str | None, key: str | None = None) -> int:
        """Line (1-based) of `key` inside `[table]` (or of the header when
        key is None); 1 when it cannot be found."""
        current = None
        for number, line in enumerate(self.text.splitlines(), 1):
            header = re.match(_HEADER, line)
            if header:
                current = header.group(1)
                if key is None and current == table:
                    return number
                continue
            match = re.match(_KEY, line)
            if key is not None and match and current == table and match.group(1) == key:
                return number
        return 1

    def where(self, table: str | None, key: str | None = None) -> str:
        return f"{self.path}:{self.line_of(table, key)}"

    def error(self, table: str | None, key: str | None, message: str) -> KilnError:
        return KilnError(f"{self.where(table, key)}: {message}")


def load(path: Path, cache_dir: Path | None = None) -> TomlDoc:
    """Reads and parses `path`. With cache_dir (an existing folder), the
    parse is kept there for the next load of the same text."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise KilnError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KilnError(f"{path}: cannot read: {exc}") from None
    data = _cached(cache_dir, path, text) if cache_dir else None
    if data is None:
        data = _parse(path, text)
        if cache_dir:
            _remember(cache_dir, path, text, data)
    return TomlDoc(path, text, data)


def _parse(path: Path, text: str) -> dict:
    import tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        if line:
            where = f"{path}:{line.group(1)}"
        else:  # "at end of document"
            where = f"{path}:{max(1, len(text.splitlines()))}"
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise KilnError(f"{where}: invalid TOML: {reason}; fix the syntax") from None


# A parse kept next to the app's build (marshal, with the text it came from)
# spares `kiln run` importing tomllib (~7 ms with what it pulls in). A hit
# needs the very same text at the same path; the file is only a shortcut,
# so any problem with it means parsing again.

def _cache_file(cache_dir: Path, path: Path) -> Path:
    return cache_dir / f".{path.name}.marshal"


def _cached(cache_dir: Path, path: Path, text: str) -> dict | None:
    try:
        cached_path, cached_text, data = marshal.loads(
            _cache_file(cache_dir, path).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return data if cached_path == str(path.resolve()) and cached_text == text else None


def _remember(cache_dir: Path, path: Path, text: str, data: dict) -> None:
    try:
        blob = marshal.dumps((str(path.resolve()), text, data))
    except ValueError:  # a TOML date or time: no marshal form
        return
    target = _cache_file(cache_dir, path)
    tmp = target.with_name(f"{target.name}.{os.getpid()}")
    try:
        tmp.write_bytes(blob)
        os.replace(tmp, target)
    except OSError:
        # A folder we may not write to (read-only app, full disk): the
        # cache is only a shortcut, so go on without it.
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


# Field kinds understood by check_table.
STR, STR_LIST, BOOL, INT, NUMBER, STR_MAP, SCALAR_MAP, STR_LIST_MAP, STR_MAP_OR_LIST = (
    "a string", "a list of strings", "true or false", "an integer", "a number",
    "a table of strings", "a table of values", "a table of string lists",
    "a table of strings or a list of strings")


def _is(kind: str, value) -> bool:
    if kind == STR:
        return isinstance(value, str)
    if kind == STR_LIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == STR_MAP:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if kind == SCALAR_MAP:
        return isinstance(value, dict) and all(
            isinstance(v, (str, int, bool)) for v in value.values())
    if kind == STR_LIST_MAP:
        return isinstance(value, dict) and all(_is(STR_LIST, v) for v in value.values())
    if kind == STR_MAP_OR_LIST:
        return _is(STR_MAP, value) or _is(STR_LIST, value)
    raise AssertionError(kind)


def check_table(doc: TomlDoc, table: str | None, data: dict, fields: dict[str, str],
                required: tuple[str, ...] = ()) -> None:
    """Rejects unknown keys, wrong types and missing required keys."""
    label = f"[{table}]" if table else "the top level"
    for key, value in data.items():
        kind = fields.get(key)
        if kind is None:
            known = ", ".join(sorted(fields))
            raise doc.error(table, key, f"unknown key '{key}' in {label}; "
                                        f"known keys: {known}")
        if not _is(kind, value):
            raise doc.error(table, key, f"'{key}' must be {kind}, "
                                        f"not {type(value).__name__} {value!r}")
    for key in required:
        if key not in data:
            raise doc.error(table, None, f"{label} needs '{key}'")
