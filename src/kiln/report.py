"""Text and JSON views for the CLI: tables, library details, sizes."""

import os

from .catalog import Catalog
from .errors import KilnError
from .resolve import use_text

_GAP = 2  # spaces between columns


def table(rows: list[dict], columns: list[str], width: int | None = None) -> str:
    """Aligned columns under upper-case headers. With `width`, the widest
    columns are narrowed until a line fits and their cells wrap onto extra
    lines, so nothing is cut off."""
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    if width is not None:
        widths = _fit(widths, [len(c) for c in columns], width)
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths)).rstrip()]
    for row in cells:
        lines += _wrapped_row(row, widths)
    return "\n".join(lines)


def _fit(widths: list[int], minimums: list[int], width: int) -> list[int]:
    """Narrows the widest column, one character at a time, until the line
    fits in `width` (or every column is down to its header)."""
    widths = list(widths)
    while sum(widths) + _GAP * (len(widths) - 1) > width:
        shrinkable = [i for i, w in enumerate(widths) if w > max(minimums[i], 1)]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _wrapped_row(row: list[str], widths: list[int]) -> list[str]:
    import textwrap
    pieces = [textwrap.wrap(v, w, break_on_hyphens=False) or [""] if len(v) > w else [v]
              for v, w in zip(row, widths)]
    height = max(len(p) for p in pieces)
    return ["  ".join((p[line] if line < len(p) else "").ljust(w)
                      for p, w in zip(pieces, widths)).rstrip()
            for line in range(height)]


def _cell(value) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "-"
    return "-" if value in (None, "") else str(value)


def library_rows(cat: Catalog) -> list[dict]:
    return [{"name": lib.name, "kind": lib.kind, "provides": lib.provides,
             "requires": lib.requires, "uses": lib.uses, "summary": lib.summary}
            for lib in sorted(cat.libraries.values(), key=lambda l: (l.kind, l.name))]


def _options(lib) -> list[dict]:
    if not lib.kconfig:
        return []
    import kconfiglib

    from .kconfig import load_kconfig
    kconf = load_kconfig(lib.kconfig)
    options = []
    for sym in kconf.unique_defined_syms:
        prompt = next((n.prompt[0] for n in sym.nodes if n.prompt), "")
        options.append({"name": sym.name, "type": kconfiglib.TYPE_TO_STR[sym.orig_type],
                        "default": sym.str_value, "help": prompt})
    return options


def library_details(cat: Catalog, name: str, res=None) -> dict:
    """One library or API of the catalog. With `res` (the current app's
    resolved image), a library's optional edges say whether the image has
    them ("uses_in_image")."""
    lib = cat.libraries.get(name)
    if lib is None and name in cat.apis:
        api = cat.apis[name]
        return {"api": api.name, "summary": api.summary, "header": api.header,
                "default": api.default, "implementations": sorted(api.implementations),
                "path": str(api.dir) if api.dir else None}
    if lib is None:
        import difflib
        close = difflib.get_close_matches(name, list(cat.libraries), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise KilnError(f"unknown library '{name}'; {hint}`kiln lib list` shows them")
    return {"name": lib.name, "kind": lib.kind, "summary": lib.summary,
            "provides": lib.provides, "requires": lib.requires, "uses": lib.uses,
            **({"uses_in_image": {u: res.provider(u) for u in lib.uses}} if res else {}),
            "platforms": [lib.platform] if lib.platform else (lib.platforms or ["all"]),
            "path": str(lib.dir), "sources": lib.sources,
            # from api.toml of the APIs it provides, relative to its folder
            "shared_sources": [os.path.relpath(p, lib.dir) for p in lib.shared_sources],
            "platform_sources": lib.platform_sources, "options": _options(lib),
            "syscalls": lib.syscalls}


def format_details(d: dict) -> str:
    if "api" in d:
        return "\n".join([f"API {d['api']}: {d['summary']}",
                          f"  header:          {_cell(d['header'])}",
                          f"  default:         {_cell(d['default'])}",
                          f"  implementations: {_cell(d['implementations'])}",
                          f"  path:            {_cell(d['path'])}"])
    lines = [f"{d['name']}: {d['summary']}",
             f"  kind:      {d['kind']}",
             f"  provides:  {_cell(d['provides'])}",
             f"  requires:  {_cell(d['requires'])}",
             f"  uses:      {_uses_cell(d)}",
             f"  platforms: {_cell(d['platforms'])}",
             f"  path:      {d['path']}",
             f"  sources:   {_cell(d['sources'])}"]
    if d["shared_sources"]:
        lines.append(f"  shared:    {_cell(d['shared_sources'])} (from the API)")
    for plat, files in d["platform_sources"].items():
        lines.append(f"    {plat}: {_cell(files)}")
    lines.append(f"  syscalls:  {_cell(d['syscalls'])}")
    if d["options"]:
        lines.append("  options:")
        for o in d["options"]:
            lines.append(f"    {o['name']} ({o['type']}, default {o['default'] or '-'}): "
                         f"{o['help']}")
    else:
        lines.append("  options:   -")
    return "\n".join(lines)


def _uses_cell(d: dict) -> str:
    """The optional dependencies, each with whether the current image has
    it when shown from inside an app."""
    if not d["uses"]:
        return "-"
    if "uses_in_image" not in d:
        return f"{_cell(d['uses'])} (optional)"
    return ", ".join(use_text(u, p) for u, p in d["uses_in_image"].items())


def _kib(n: int) -> str:
    return f"{n / 1024:.1f} KiB"


def size_summary(project) -> str:
    from .inspect import size_report
    report = size_report(project, top=0)
    libs = report["libraries"]
    totals = {k: sum(r[k] for r in libs) for k in ("text", "rodata", "data", "bss")}
    biggest = ", ".join(f"{r['library']} {_kib(r['total'])}" for r in libs[:4])
    return (f"kiln: built {report['image']}: {report['image_bytes']} bytes "
            f"(text {_kib(totals['text'])}, rodata {_kib(totals['rodata'])}, "
            f"data {_kib(totals['data'])}, bss {_kib(totals['bss'])}); "
            f"largest: {biggest}")


def format_size(report: dict) -> str:
    out = [f"{report['image']}: {report['image_bytes']} bytes on disk", ""]
    rows = [dict(r) for r in report["libraries"]]
    out.append(table(rows, ["library", "text", "rodata", "data", "bss", "total"]))
    if report["symbols"]:
        out += ["", table(report["symbols"], ["symbol", "size", "library"])]
    return "\n".join(out)
