"""The guest's environment: kiln.toml's [run] env and `kiln run -e`.

Each variable travels as one NAME=VALUE word before "--" on the kernel
command line, which boot turns into the app's environment (lib/boot/env.c:
a word whose name has no '.' is an environment entry, as Linux hands such
words to init). The command line quotes spaces and escapes quotes and
backslashes, so a value arrives as written; only a NUL byte cannot be
carried. Kept light for `kiln run` (see kiln.runner): no regex, no import."""

import os

from ..errors import KilnError

# Boot keeps 64 kernel words (KN_BOOT_MAX_KERNEL_ARGS in
# lib/boot/internal.h), parameters and variables together; leave room for
# parameters.
MAX_WORDS = 48


def name_problem(name: str) -> str | None:
    """Why `name` is not a POSIX environment name, or None when it is."""
    if not name:
        return "an empty name"
    if not (name[0].isascii() and (name[0].isalpha() or name[0] == "_")):
        return f"name {name!r} must start with a letter or _"
    if not all(c.isascii() and (c.isalnum() or c == "_") for c in name):
        return f"name {name!r} may hold only letters, digits and _"
    return None


def value_problem(value: str) -> str | None:
    return "a NUL byte, which the kernel command line cannot carry" if "\0" in value else None


def from_cli(entries) -> dict[str, str]:
    """`-e KEY=VALUE` (or `-e KEY`: the host's value, skipped when the host
    has none, as docker does) in order; a later one wins."""
    env = {}
    for entry in entries:
        name, eq, value = entry.partition("=")
        problem = name_problem(name) or value_problem(value)
        if problem:
            raise KilnError(f"-e {entry!r}: {problem}; write -e KEY=VALUE")
        if not eq:
            if name not in os.environ:
                continue
            value = os.environ[name]
        env[name] = value
    return env


def kernel_words(app_env: dict[str, str], cli_env: dict[str, str]) -> list[str]:
    """The NAME=VALUE words for kiln.toml's variables overridden by -e's;
    refuses more than boot keeps."""
    env = {**app_env, **cli_env}
    if len(env) > MAX_WORDS:
        raise KilnError(f"{len(env)} environment variables are more than the {MAX_WORDS} "
                        f"the kernel command line keeps; pass fewer")
    return [f"{name}={value}" for name, value in env.items()]
