"""Optional dependencies (`uses` in library.toml) kept honest: a library's
C may test CONFIG_HAVE_<X> or CONFIG_LIB_<X> only for an X it declares
(itself, what it provides, requires or uses), so `kiln why` and
`kiln lib show` see every edge the code has."""

import os
import re
from pathlib import Path

from .catalog import Library, config_symbol
from .errors import KilnError

_TEST = re.compile(r"\bCONFIG_(HAVE|LIB)_([A-Z0-9_]+)")
# boot is in every image: any library may call it without listing it.
_ALWAYS = ("boot",)


def declared_symbols(lib: Library) -> set[str]:
    names = {lib.name, *lib.provides, *lib.requires, *lib.uses, *_ALWAYS}
    return {config_symbol(n) for n in names}


def own_headers(lib: Library) -> list[str]:
    """The headers in the library's folder, relative to it: its include/
    and private ones, not those of a library nested in it, nor host-test
    shims (tests/)."""
    found = []
    for top, dirs, files in os.walk(lib.dir):
        here = Path(top)
        dirs[:] = sorted(d for d in dirs if d != "tests" and not any(
            (here / d / m).exists() for m in ("library.toml", "api.toml")))
        found += [str((here / f).relative_to(lib.dir)) for f in sorted(files) if f.endswith(".h")]
    return found


def undeclared_tests(lib: Library, platform: str | None = None) -> list[tuple[str, str]]:
    """(file, CONFIG_ symbol) for each test of a library or API that `lib`
    does not declare, in its sources and headers. Fetched (upstream)
    sources are not read."""
    names = lib.sources + lib.ktest_sources + [
        n for plat, files in sorted(lib.platform_sources.items())
        if platform in (None, plat) for n in files] + own_headers(lib)
    allowed = declared_symbols(lib)
    found = []
    for name in names:
        if name.startswith("@"):
            continue
        text = (lib.dir / name).read_text(errors="replace")
        for match in _TEST.finditer(text):
            if match.group(2) not in allowed and (name, match.group(0)) not in found:
                found.append((name, match.group(0)))
    return found


def check(libraries: list[Library], platform: str | None = None) -> None:
    """Refuses the first undeclared test, naming the key to add."""
    for lib in libraries:
        for source, symbol in undeclared_tests(lib, platform):
            name = symbol.split("_", 2)[2].lower().replace("_", "-")
            raise KilnError(f"{lib.dir / source}: tests {symbol}, but {lib.name} neither "
                            f"requires nor uses '{name}'; add uses = [\"{name}\"] to "
                            f"{lib.manifest}")
