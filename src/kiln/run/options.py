"""`kiln run`'s options, defined once. kiln.commands builds the click
command (and so `kiln run --help` and every error message) from this
table; kiln.cli reads a well-formed `kiln run` command line with it
without importing click, so booting an image pays for no import it does
not use."""

import os
import stat

from .. import platforms


class Option:
    """One command-line option. `kind` is "text", "float", "file" (a path
    that must not be a folder) or "flag"; `choices` limits a text value;
    `multiple` collects every occurrence in order."""

    __slots__ = ("name", "flags", "help", "kind", "_choices", "multiple", "metavar")

    def __init__(self, name: str, flags: tuple[str, ...], help: str, kind: str = "text",
                 choices=None, multiple: bool = False, metavar: str | None = None):
        self.name, self.flags, self.help, self.kind = name, flags, help, kind
        self._choices, self.multiple, self.metavar = choices, multiple, metavar

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The values allowed (None: any). A function given as `choices` is
        asked on use: the platforms come from their manifests, which only
        a command line naming a platform needs to read."""
        return tuple(self._choices()) if callable(self._choices) else self._choices


def _qemu_machines() -> tuple[str, ...]:
    from . import qemu  # only a command line naming a machine pays for it

    return tuple(qemu.MACHINES)


PLATFORM = Option("platform", ("--plat", "--platform"), choices=platforms.names,
                  help="Target platform (default: kiln.toml's [run] platform).")

RUN = (
    PLATFORM,
    Option("machine", ("--machine",), choices=_qemu_machines,
           help="QEMU machine (default: kiln.toml's, else microvm)."),
    Option("accel", ("--accel",), choices=("auto", "kvm", "tcg"),
           help="KVM only when the host really has it (auto), or force one."),
    Option("memory", ("-m", "--memory"), help="Guest memory, e.g. 64M."),
    Option("args", ("-a", "--args"), multiple=True,
           help="Application arguments (one string, split like a shell)."),
    Option("kernel_args", ("-k", "--kernel-arg"), multiple=True,
           help="Kernel parameter lib.name=value."),
    Option("env", ("-e", "--env"), multiple=True, metavar="KEY[=VALUE]",
           help="Set a variable in the guest's environment (repeatable; KEY alone "
                "takes the host's value); overrides kiln.toml's [run] env."),
    Option("publish", ("-p", "--publish"), multiple=True, metavar="[ADDR:]HOST:GUEST[/udp]",
           help="Publish a guest port on the host, as docker's -p (repeatable)."),
    Option("volume", ("-v", "--volume"), multiple=True, metavar="HOSTDIR:GUESTPATH[:ro]",
           help="Share a host folder with the guest at GUESTPATH, as docker's -v "
                "(repeatable; :ro read-only)."),
    Option("net", ("--net",), choices=("user", "tap"),
           help="The guest's network: QEMU's user network (user, the default) or a tap "
                "device in a network namespace kiln creates (tap, needs root)."),
    Option("initrd", ("--initrd",), kind="file", help="An initrd to load."),
    Option("disk", ("--disk",), multiple=True, metavar="FILE[:ro]",
           help="Attach a raw disk image as /dev/vda, /dev/vdb, ... in order (repeatable; "
                ":ro read-only); overrides kiln.toml's [run] disk."),
    Option("timeout", ("--timeout",), kind="float",
           help="Stop the guest after S seconds, S > 0 (exit 124)."),
    Option("dry_run", ("--dry-run",), kind="flag",
           help="Print the command instead of running it."),
)

# The one option of `kiln` itself that may come before `run`.
APP = Option("app", ("--app",), metavar="DIR",
             help="The app folder (default: the current folder or a parent with kiln.toml).")


def split_app_argv(words: list[str]) -> tuple[list[str], tuple[str, ...] | None]:
    """(the words before the first `--`, the app's arguments after it or
    None without one). Split before options are read, so `--` is never an
    option's value: `-k --` lacks its value and is refused."""
    if "--" not in words:
        return list(words), None
    i = words.index("--")
    return list(words[:i]), tuple(words[i + 1:])


def timeout_problem(value) -> str | None:
    """Why `value` is not a timeout (the --timeout flag and kiln.toml's
    [run] timeout share this rule), or None: a number of seconds, more than
    0 and finite."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"timeout {value!r} is not a number of seconds"
    if not 0 < value < float("inf"):  # also refuses nan
        return f"timeout {value!r} must be a number of seconds more than 0"
    return None


class Unsure(Exception):
    """The command line is not one this parser reads exactly as click
    would (help, a mistake, another command): click takes it."""


def parse_run(argv: list[str]) -> dict | None:
    """{"app": ..., "platform": ..., ..., "app_argv": ...} for `kiln [--app
    DIR] run [OPTIONS] [-- ARGS...]`, with the values click would pass;
    None for anything else, including every command line click would
    refuse."""
    try:
        rest = list(argv)
        app = _take_options(rest, (APP,), stop_at_word=True)
        if not rest or rest.pop(0) != "run":
            raise Unsure
        rest, app_argv = split_app_argv(rest)
        return {**app, **_take_options(rest, RUN, stop_at_word=False), "app_argv": app_argv}
    except Unsure:
        return None


def _defaults(options) -> dict:
    return {o.name: (() if o.multiple else False if o.kind == "flag" else None)
            for o in options}


def _take_options(words: list[str], options, stop_at_word: bool) -> dict:
    """Consumes options from the front of `words` (in place) into their
    values; stops at the first plain word when stop_at_word, else any plain
    word, `--`, or unknown option is Unsure."""
    by_flag = {flag: o for o in options for flag in o.flags}
    values = _defaults(options)
    while words:
        word = words[0]
        if word == "--" or not word.startswith("-") or word == "-":
            if stop_at_word and word not in ("--", "-"):
                return values
            raise Unsure
        words.pop(0)
        option, value = _split(word, by_flag, words)
        _store(values, option, value)
    return values


def _split(word: str, by_flag: dict, words: list[str]):
    """(option, its text or None for a flag), taking the next word as the
    value when the option needs one: `--name=V`, `--name V`, `-xV`, `-x V`."""
    if word.startswith("--"):
        flag, eq, attached = word.partition("=")
        option = by_flag.get(flag)
        if option is None or (eq and option.kind == "flag"):
            raise Unsure
        if option.kind == "flag":
            return option, None
        return option, attached if eq else _next(words)
    option = by_flag.get(word[:2])
    if option is None or option.kind == "flag":
        raise Unsure
    return option, word[2:] if len(word) > 2 else _next(words)


def _next(words: list[str]) -> str:
    if not words:
        raise Unsure
    return words.pop(0)


def _store(values: dict, option: Option, text: str | None) -> None:
    value = True if text is None else _convert(option, text)
    if option.multiple:
        values[option.name] += (value,)
    else:
        values[option.name] = value


def _convert(option: Option, text: str):
    if option.choices is not None and text not in option.choices:
        raise Unsure
    if option.kind == "float":
        try:
            return float(text)
        except ValueError:
            raise Unsure from None
    if option.kind == "file":
        _check_file(text)
    return text


def _check_file(path: str) -> None:
    """What click.Path(dir_okay=False) refuses: an existing folder or an
    existing file that cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode) or not os.access(path, os.R_OK):
        raise Unsure
