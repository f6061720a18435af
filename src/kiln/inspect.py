"""Looking inside a built image: bytes per library (from the linker map),
the largest symbols (from the .dbg ELF), and why a library is there."""

import bisect
import re
from collections import defaultdict
from pathlib import Path

from .errors import KilnError
from .project import Project
from .resolve import use_text

_OUTPUT = re.compile(r"^(\.[\w.]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)")
_INPUT_ONE = re.compile(r"^ (\.[\w.$]+|COMMON)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)")
_INPUT_NAME = re.compile(r"^ (\.[\w.$]+|COMMON)\s*$")
_INPUT_REST = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)")
KINDS = {".text": "text", ".rodata": "rodata", ".data": "data", ".bss": "bss"}


def _owner(obj: str, app_name: str) -> str:
    name = Path(obj.split("(")[0]).name
    if name == "app.o":
        return app_name
    if name.endswith(".o"):
        return name[:-2]
    return name.split(".")[0]  # libgcc.a


def parse_map(path: Path, app_name: str):
    """[(kind, start, size, library)] for every input section kept in the
    image."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        raise KilnError(f"no linker map at {path}; run `kiln build` first") from None
    pieces = []
    in_map = False
    kind = None
    pending = None
    for line in lines:
        if line.startswith("Linker script and memory map"):
            in_map = True
            continue
        if not in_map:
            continue
        out = _OUTPUT.match(line)
        if out:
            kind = KINDS.get(out.group(1), "other" if out.group(1) != ".comment" else None)
            pending = None
            continue
        if kind is None:
            continue
        one = _INPUT_ONE.match(line)
        if one:
            pieces.append((kind, int(one.group(2), 16), int(one.group(3), 16),
                           _owner(one.group(4), app_name)))
            pending = None
            continue
        if _INPUT_NAME.match(line):
            pending = True
            continue
        rest = _INPUT_REST.match(line) if pending else None
        if rest:
            pieces.append((kind, int(rest.group(1), 16), int(rest.group(2), 16),
                           _owner(rest.group(3), app_name)))
            pending = None
    return [p for p in pieces if p[2] > 0]


def _symbols(dbg: Path):
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile
    out = []
    try:
        with open(dbg, "rb") as f:
            symtab = ELFFile(f).get_section_by_name(".symtab")
            for sym in symtab.iter_symbols() if symtab else []:
                if sym["st_size"] and sym["st_info"]["type"] in ("STT_FUNC", "STT_OBJECT"):
                    out.append((sym.name, sym["st_value"], sym["st_size"]))
    except (OSError, ELFError) as exc:
        raise KilnError(f"cannot read {dbg}: {exc}; run `kiln build` again") from None
    return out


def size_report(project: Project, top: int = 10) -> dict:
    """Reports on the image of the current configuration: built first when
    out of date."""
    from .autobuild import ensure_built
    ensure_built(project.app, project.platform)
    image = project.image
    if not image.is_file():
        raise KilnError(f"no image at {image}; run `kiln build --plat {project.platform}` first")
    pieces = parse_map(project.map_file, project.app.name)
    per_lib = defaultdict(lambda: defaultdict(int))
    for kind, _start, size, lib in pieces:
        per_lib[lib][kind] += size
    libraries = []
    for lib, kinds in per_lib.items():
        row = {"library": lib, **{k: kinds.get(k, 0) for k in ("text", "rodata", "data", "bss")}}
        row["total"] = row["text"] + row["rodata"] + row["data"]
        libraries.append(row)
    libraries.sort(key=lambda r: -r["total"])
    ranges = sorted((start, start + size, lib) for _k, start, size, lib in pieces)
    starts = [r[0] for r in ranges]
    symbols = []
    for name, addr, size in sorted(_symbols(project.dbg), key=lambda s: -s[2])[:top]:
        i = bisect.bisect_right(starts, addr) - 1
        lib = ranges[i][2] if i >= 0 and addr < ranges[i][1] else "?"
        symbols.append({"symbol": name, "size": size, "library": lib})
    return {"image": str(image), "image_bytes": image.stat().st_size,
            "libraries": libraries, "symbols": symbols}


def why_chain(project: Project, name: str) -> str:
    """Who pulled `name` into the image, then its optional edges: what it
    uses and whether the image has it; for a library not in the image,
    which libraries of the image would use it."""
    res = project.res
    if name not in res.names():
        if name in project.catalog.apis and name in res.chosen:
            name = res.chosen[name]
        elif name in project.catalog.libraries or name in project.catalog.apis:
            absent = f"{name} is not in the {project.platform} image of {project.app.name}"
            users = optional_users(project, name)
            return absent + (f"; would be used by {', '.join(users)} (uses)" if users else "")
        else:
            raise KilnError(f"unknown library '{name}'; `kiln lib list` shows them")
    lines = [" <- ".join(res.chain(name))]
    lines += [f"uses {use_text(u, res.provider(u))}"
              for u in project.catalog.libraries[name].uses]
    return "\n".join(lines)


def optional_users(project: Project, name: str) -> list[str]:
    """Libraries of the image that use `name` (or an API it provides)."""
    lib = project.catalog.libraries.get(name)
    names = {name, *(lib.provides if lib else [])}
    return [l.name for l in project.res.libraries if names & set(l.uses)]
