"""What a `[[fetch]]` entry says, and "@name/path" references to fetched
trees: parsing and validation only, with light imports, so loading a
manifest (e.g. on `kiln run`'s path) does not load the fetch machinery in
kiln.fetch."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import tomlfile
from .errors import KilnError

FIELDS = {"name": tomlfile.STR, "package": tomlfile.STR, "version": tomlfile.STR,
          "tarball": tomlfile.STR, "sha256": tomlfile.STR, "patches": tomlfile.STR_LIST,
          "build": tomlfile.STR_LIST}
_REQUIRED = ("name", "package", "version", "tarball", "sha256")
_FETCH_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_REF = re.compile(r"^@([^/]+)(?:/(.*))?$")


@dataclass
class Fetch:
    """One [[fetch]] entry; `owner` is "library NAME" or "app NAME"."""
    name: str
    package: str
    version: str
    tarball: str
    sha256: str
    patches: list[Path]
    build: list[str]
    owner: str
    where: str                       # file:line of the entry, for errors
    for_app: bool = False
    tree: Path | None = field(default=None, compare=False)  # set by prepare()


def parse(doc: tomlfile.TomlDoc, base: Path, owner: str, for_app: bool = False) -> list[Fetch]:
    """The [[fetch]] array of a manifest, validated."""
    entries = doc.data.get("fetch", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise doc.error(None, "fetch", "'fetch' must be an array of tables: write [[fetch]]")
    fetches: list[Fetch] = []
    headers = [n for n, line in enumerate(doc.text.splitlines(), 1)
               if re.match(r"^\s*\[\[\s*fetch\s*\]\]", line)]
    for index, entry in enumerate(entries):
        tomlfile.check_table(doc, "fetch", entry, FIELDS, required=_REQUIRED)
        name = entry["name"]
        where = f"{doc.path}:{headers[index] if index < len(headers) else 1}"
        if not _FETCH_NAME.match(name):
            raise doc.error("fetch", "name", f"fetch name {name!r}: use letters, digits "
                                             f"and . _ + -")
        if any(f.name == name for f in fetches):
            raise doc.error("fetch", "name", f"fetch '{name}' is declared twice")
        sha = entry["sha256"].lower()
        if not _SHA256.match(sha):
            raise doc.error("fetch", "sha256", f"fetch {name}: sha256 must be 64 hex "
                                               f"digits, not {entry['sha256']!r}")
        if "/" in entry["tarball"] or entry["tarball"].startswith("."):
            raise doc.error("fetch", "tarball", f"fetch {name}: tarball is a file name "
                                                f"in the source package, not a path")
        patches = []
        for patch in entry.get("patches", []):
            path = (base / patch).resolve()
            if not path.is_file():
                raise doc.error("fetch", "patches", f"fetch {name}: patch '{patch}' does "
                                                    f"not exist in {base}")
            patches.append(path)
        fetches.append(Fetch(name, entry["package"], entry["version"], entry["tarball"],
                             sha, patches, entry.get("build", []), owner, where, for_app))
    return fetches


def split_ref(text: str) -> tuple[str, str] | None:
    """'@musl/lib/libc.a' -> ('musl', 'lib/libc.a'); None for a plain path."""
    match = _REF.match(text)
    return (match.group(1), match.group(2) or "") if match else None


def resolve_ref(text: str, fetches: dict[str, "Fetch"], base: Path, what: str) -> Path:
    """A path of a manifest: "@name/rel" inside a prepared tree, else relative
    to `base`."""
    ref = split_ref(text)
    if ref is None:
        return (base / text).resolve()
    fetch = fetches.get(ref[0])
    if fetch is None:
        declared = ", ".join(sorted(fetches)) or "none"
        raise KilnError(f"{what}: '{text}' refers to fetch '{ref[0]}', which no [[fetch]] "
                        f"in the image declares (declared: {declared})")
    if fetch.tree is None:
        raise AssertionError(f"fetch {ref[0]} used before prepare()")
    return fetch.tree / ref[1] if ref[1] else fetch.tree
