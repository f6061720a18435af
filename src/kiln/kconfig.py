"""Kconfig through kconfiglib: one generated top-level Kconfig per image
that sources the Kconfig of every resolved library; app options from
kiln.toml and the user's overrides applied on top of the defaults; every
requested value that did not take is reported with the reason."""

import os
from dataclasses import dataclass
from pathlib import Path

from .catalog import config_symbol
from .errors import KilnError
from .manifest import AppManifest
from .resolve import Resolution


@dataclass
class Request:
    name: str
    value: str | int | bool
    origin: str  # "kiln.toml:12" or "kiln configure"


@dataclass
class ConfigResult:
    warnings: list[str]
    values: dict[str, str]     # every symbol with a value: NAME -> str_value
    config_path: Path
    header_path: Path


def write_top_kconfig(res: Resolution, app: AppManifest, out: Path) -> Path:
    lines = [f'mainmenu "Kiln: {app.name} for {res.platform.platform}"', "",
             "config APP_NAME", "\tstring", f'\tdefault "{app.name}"', "",
             f"config PLATFORM_{res.platform.platform.upper()}", "\tdef_bool y", ""]
    for lib in res.libraries:
        # LIB_<NAME> lets code test what else is in the image.
        lines += [f"config LIB_{lib.symbol}", "\tdef_bool y", ""]
    for api in res.apis():
        # HAVE_<API>: what a library's `uses` tests, whichever
        # implementation the image has.
        lines += [f"config HAVE_{config_symbol(api)}", "\tdef_bool y", ""]
    for lib in res.libraries:
        if lib.kconfig:
            lines += [f'menu "{lib.name}: {lib.summary}"',
                      f'source "{lib.kconfig}"', "endmenu", ""]
    app_kconfig = app.dir / "Kconfig"
    if app_kconfig.is_file():
        lines += [f'menu "{app.name} (the application)"', f'source "{app_kconfig}"',
                  "endmenu", ""]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))
    return out


def load_kconfig(top: Path):
    import kconfiglib
    os.environ.setdefault("KCONFIG_WARN_UNDEF", "n")
    try:
        return kconfiglib.Kconfig(str(top), warn_to_stderr=False)
    except (kconfiglib.KconfigError, OSError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise KilnError(f"Kconfig error: {first}; fix that Kconfig file") from None


# What a boolean option accepts, in any case: `-s X=true` is as good as X=y.
_YES = ("y", "yes", "true", "1")
_NO = ("n", "no", "false", "0")

# The origin of options given on the command line (`kiln configure -s`).
COMMAND_LINE = "kiln configure -s"


def _as_kconfig_value(sym, req: Request) -> str:
    import kconfiglib
    kind = sym.orig_type
    v = req.value
    if kind in (kconfiglib.BOOL, kconfiglib.TRISTATE):
        if isinstance(v, bool):
            return "y" if v else "n"
        if kind == kconfiglib.TRISTATE and v == "m":
            return v
        word = str(v).lower() if isinstance(v, (str, int)) else None
        if word in _YES or word in _NO:
            return "y" if word in _YES else "n"
        expected = "y or n (or true/false, yes/no, 1/0)"
    elif kind == kconfiglib.INT:
        if isinstance(v, int) and not isinstance(v, bool):
            return str(v)
        if isinstance(v, str) and v.lstrip("-").isdigit():
            return v
        expected = "an integer"
    elif kind == kconfiglib.HEX:
        if isinstance(v, int) and not isinstance(v, bool):
            return hex(v)
        if isinstance(v, str):
            try:
                return hex(int(v, 16))
            except ValueError:
                pass
        expected = "a hexadecimal number"
    elif kind == kconfiglib.STRING:
        if isinstance(v, str):
            return v
        expected = "a string"
    else:
        raise KilnError(f"{req.origin}: option {req.name} cannot be set (it has no type)")
    raise KilnError(f"{req.origin}: option {req.name} must be {expected}, not {v!r}")


def _why_not(sym, wanted: str) -> str:
    import kconfiglib
    if not sym.visibility and sym.direct_dep is not sym.kconfig.y:
        return f"it depends on {kconfiglib.expr_str(sym.direct_dep)}, which is not met"
    if sym.orig_type in (kconfiglib.INT, kconfiglib.HEX) and sym.ranges:
        low, high, _ = sym.ranges[0]
        return f"it must be within [{low.str_value}, {high.str_value}]"
    if not sym.visibility:
        return "it cannot be changed (no prompt)"
    return f"Kconfig kept {sym.str_value!r}"


def apply(kconf, requests: list[Request]) -> list[str]:
    """Sets each request; returns a warning for each one that did not take.
    Requests are retried while any takes, so their order does not matter
    (FOO=y then its dependency BASE=y works)."""
    import kconfiglib
    wanted = {}
    for req in requests:
        sym = kconf.syms.get(req.name)
        if sym is None or not sym.nodes:
            raise _unknown(kconf, req)
        wanted[req.name] = (sym, _as_kconfig_value(sym, req), req)

    def took(sym, value):
        return sym.str_value == value or (sym.orig_type == kconfiglib.HEX
                                          and _same_hex(sym.str_value, value))

    pending = list(wanted.values())
    while pending:
        for sym, value, _req in pending:
            sym.set_value(value)
        still = [p for p in pending if not took(p[0], p[1])]
        if len(still) == len(pending):
            break
        pending = still
    return [f"{req.origin}: {req.name}={value} did not take (now {sym.str_value!r}): "
            f"{_why_not(sym, value)}"
            for sym, value, req in wanted.values() if not took(sym, value)]


def _unknown(kconf, req: Request) -> KilnError:
    """No option of the image has that name: the closest names, and how to
    forget it when it was saved (only a saved setting can be unset)."""
    import difflib
    names = [name for name, sym in kconf.syms.items() if sym.nodes]
    close = difflib.get_close_matches(req.name, names, n=3)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    saved = req.origin.endswith(".toml") and "/.kiln/" in req.origin
    forget = f"forget it with `kiln configure --unset {req.name}`; " if saved else ""
    return KilnError(f"{req.origin}: unknown option {req.name}: this image has no option "
                     f"of that name; {hint}{forget}`kiln configure --list` lists them")


def _same_hex(a: str, b: str) -> bool:
    try:
        return int(a, 16) == int(b, 16)
    except ValueError:
        return False


def requests_for(app: AppManifest, overrides: dict, origin: str = "kiln configure",
                 given: dict | None = None) -> list[Request]:
    """kiln.toml's [config] first, then the user's saved overrides (from
    .kiln/<platform>.toml), then the options `given` on the command line."""
    reqs = [Request(k, v, f"{app.path}:{app.doc.line_of('config', k)}")
            for k, v in app.config.items()]
    given = given or {}
    reqs += [Request(k, v, origin) for k, v in overrides.items() if k not in given]
    reqs += [Request(k, v, COMMAND_LINE) for k, v in given.items()]
    return reqs


def check(res: Resolution, app: AppManifest, overrides: dict, build: Path,
          origin: str = "kiln configure", given: dict | None = None) -> list[str]:
    """The warnings configure would give, writing nothing but the Kconfig."""
    kconf = load_kconfig(write_top_kconfig(res, app, build / "Kconfig"))
    return apply(kconf, requests_for(app, overrides, origin, given))


def configure(res: Resolution, app: AppManifest, overrides: dict,
              build: Path, origin: str = "kiln configure") -> ConfigResult:
    top = write_top_kconfig(res, app, build / "Kconfig")
    kconf = load_kconfig(top)
    warnings = apply(kconf, requests_for(app, overrides, origin))
    config_path = build / ".config"
    header_path = build / "include" / "kn" / "config.h"
    header_path.parent.mkdir(parents=True, exist_ok=True)
    kconf.write_config(str(config_path), header="# Generated by kiln; edit with "
                       "`kiln configure -s` or `kiln menuconfig`\n", save_old=False)
    kconf.write_autoconf(str(header_path), header="/* Generated by kiln. */\n")
    values = {s.name: s.str_value for s in kconf.unique_defined_syms if s.str_value != ""}
    return ConfigResult(warnings, values, config_path, header_path)


def list_options(res: Resolution, app: AppManifest, overrides: dict, build: Path):
    """(name, type, value, prompt, library) for every visible option."""
    import kconfiglib
    top = write_top_kconfig(res, app, build / "Kconfig")
    kconf = load_kconfig(top)
    apply(kconf, requests_for(app, overrides))
    rows = []
    for sym in kconf.unique_defined_syms:
        for node in sym.nodes:
            if node.prompt:
                rows.append((sym.name, kconfiglib.TYPE_TO_STR[sym.orig_type],
                             sym.str_value, node.prompt[0], Path(node.filename).parent.name))
                break
    return rows


def menuconfig(res: Resolution, app: AppManifest, overrides: dict, build: Path) -> dict:
    """Runs the menuconfig UI; returns the new overrides: every option whose
    value differs from what kiln.toml alone gives."""
    import kconfiglib
    import menuconfig as ui
    top = write_top_kconfig(res, app, build / "Kconfig")
    base = load_kconfig(top)
    apply(base, requests_for(app, {}))
    baseline = {s.name: s.str_value for s in base.unique_defined_syms}
    kconf = load_kconfig(top)
    apply(kconf, requests_for(app, overrides))
    config_path = build / ".config"
    kconf.write_config(str(config_path), save_old=False)
    os.environ["KCONFIG_CONFIG"] = str(config_path)
    import curses
    try:
        ui.menuconfig(kconf)
    except curses.error as exc:  # curses.wrapper has restored the screen
        raise KilnError(f"the terminal cannot run menuconfig ({exc}); try another "
                        f"terminal or TERM, or use `kiln configure -s NAME=VALUE`") from None
    after = load_kconfig(top)
    after.load_config(str(config_path))
    changed = {}
    for sym in after.unique_defined_syms:
        if sym.visibility and sym.str_value != baseline.get(sym.name):
            if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
                changed[sym.name] = sym.str_value == "y"
            elif sym.orig_type == kconfiglib.INT:
                changed[sym.name] = int(sym.str_value)
            else:
                changed[sym.name] = sym.str_value
    return changed
