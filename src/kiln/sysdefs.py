"""Which system calls a source file defines: its KN_SYSCALL(name)
definitions, read from the text.

The C definition is the only record of who implements a call (no list in
library.toml to keep in step), so `kiln syscalls`, `kiln lib show` and the
generated dispatch table all come from here. Reading the text needs no
compiler and no build, which keeps `kiln lib show` fast; a definition
therefore has to be visible without preprocessing: it starts a line, and it
is not inside #if (kiln could not tell whether it is compiled)."""

import re
from pathlib import Path

from .errors import KilnError

_DEFINITION = re.compile(r"^KN_SYSCALL\(\s*(\w+)\s*\)")
_OPEN = re.compile(r"^\s*#\s*if")       # #if, #ifdef, #ifndef
_CLOSE = re.compile(r"^\s*#\s*endif\b")

# path -> ((mtime_ns, size), definitions): a file is read again only when
# it changed, however many times one command asks.
_seen: dict[Path, tuple[tuple[int, int], list]] = {}


class Definition:
    """KN_SYSCALL(name) at path:line."""

    def __init__(self, name: str, path: Path, line: int):
        self.name, self.path, self.line = name, path, line

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def definitions(path: Path) -> list[Definition]:
    """The KN_SYSCALL definitions of one source file, in order."""
    try:
        st = path.stat()
    except OSError:
        return []  # a missing source is reported by the build, with its fix
    key = (st.st_mtime_ns, st.st_size)
    cached = _seen.get(path)
    if cached and cached[0] == key:
        return cached[1]
    found = _scan(path)
    _seen[path] = (key, found)
    return found


def _scan(path: Path) -> list[Definition]:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        raise KilnError(f"{path}: cannot read: {exc}") from None
    found = []
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        if _OPEN.match(line):
            depth += 1
        elif _CLOSE.match(line):
            depth = max(0, depth - 1)
        match = _DEFINITION.match(line)
        if not match:
            continue
        if depth:
            raise KilnError(f"{path}:{number}: KN_SYSCALL({match.group(1)}) is inside #if; "
                            f"kiln reads system calls from the source text, so define it "
                            f"unconditionally and put the condition inside the function")
        found.append(Definition(match.group(1), path, number))
    return found
