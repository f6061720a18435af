"""`kiln init`: a new app that builds and runs as it is."""

import re
from pathlib import Path

from .errors import KilnError
from .manifest import MANIFEST

_MANIFEST = """\
[app]
name = "{name}"
summary = "A new Kiln unikernel"
sources = ["main.c"]
# APIs (or libraries) the app uses; `kiln lib list` shows them all.
requires = ["libc"]

# [choose]
# alloc = "buddy"        # pick an implementation of an API

# [config]
# BOOT_MAX_ARGS = 32     # Kconfig options; `kiln configure --list`

[run]
memory = "64M"
"""

_MAIN = """\
#include <stdio.h>

int main(int argc, char *argv[])
{{
	printf("Hello from {name}!\\n");
	return 0;
}}
"""


# What kiln writes inside an app: build output, and the choices `kiln
# configure` saves for this checkout (shared ones belong in kiln.toml).
_GITIGNORE = """\
build/
.kiln/
"""


def scaffold(directory: Path, name: str | None) -> Path:
    directory = directory.resolve()
    name = name or re.sub(r"[^A-Za-z0-9_-]", "-", directory.name)
    if not re.match(r"^[A-Za-z][A-Za-z0-9_-]*$", name):
        raise KilnError(f"'{name}' is not a usable app name; pass --name with letters, "
                        f"digits, - and _ (starting with a letter)")
    manifest = directory / MANIFEST
    if manifest.exists():
        raise KilnError(f"{manifest} already exists; nothing was changed")
    main = directory / "main.c"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        manifest.write_text(_MANIFEST.format(name=name))
        if not main.exists():
            main.write_text(_MAIN.format(name=name))
        ignore = directory / ".gitignore"
        if not ignore.exists():  # the user's own rules stay as they are
            ignore.write_text(_GITIGNORE)
    except OSError as exc:
        raise KilnError(f"cannot create the app in {directory}: {exc.strerror}") from None
    return directory
