"""The platforms kiln builds for, read from their own manifests.

A platform is a library in plat/<folder>/ with kind = "platform"; its
library.toml names it (platform = "kvm") and its host side (launcher =
"qemu": the module kiln.run.qemu). That folder is the one place a platform
is added: the catalog, the --platform choices, kiln.toml's [run] platform,
`kiln clean` and `kiln run` all take the list from here.

`kiln run` needs the list before the guest starts, and kiln's start-up is
part of every boot (see kiln.runner): so this module reads only these
manifests, never the catalog, and keeps their parses in kiln's cache
(tomlfile), so that an unchanged tree costs no tomllib import."""

from pathlib import Path

from . import tomlfile
from .errors import KilnError
from .paths import cache_root, kiln_root

FOLDER = "plat"
RUN_PACKAGE = Path(__file__).parent / "run"


def check_launcher(doc) -> None:
    """Refuses a platform manifest (a tomlfile.TomlDoc) whose launcher
    names no module of kiln.run. The catalog checks it; so does `kiln run`,
    which reads the manifests without the catalog."""
    launcher = doc.data.get("launcher")
    if not isinstance(launcher, str):
        raise doc.error(None, "kind", "a platform needs launcher = \"<module of kiln.run>\" "
                                      "(e.g. \"qemu\")")
    if not (RUN_PACKAGE / f"{launcher}.py").is_file():
        raise doc.error(None, "launcher", f"launcher {launcher!r}: there is no "
                                          f"src/kiln/run/{launcher}.py; name the kiln.run "
                                          f"module that starts this platform's images, or "
                                          f"add it")


# Kiln tree -> its launchers: read once per process (one kiln command),
# though `kiln run` asks three times (options, kiln.toml, the runner).
_read: dict[Path, dict[str, str]] = {}


def launchers(root: Path | None = None) -> dict[str, str]:
    """Platform name -> launcher module name, ordered by platform name."""
    root = root or kiln_root()
    if root not in _read:
        found = {}
        cache = cache_root() / "platforms"
        for manifest in sorted((root / FOLDER).glob("*/library.toml")):
            doc = tomlfile.load(manifest, _parse_cache(cache / manifest.parent.name))
            if doc.data.get("kind") == "platform" and isinstance(doc.data.get("platform"), str):
                check_launcher(doc)
                found[doc.data["platform"]] = doc.data["launcher"]
        _read[root] = dict(sorted(found.items()))
    return _read[root]


def names(root: Path | None = None) -> tuple[str, ...]:
    return tuple(launchers(root))


def machines(platform: str) -> tuple[str | None, ...]:
    """The machines `platform`'s launcher boots on (its MACHINES, e.g.
    QEMU's microvm and pc), or (None,) for a launcher without a choice."""
    import importlib

    module = importlib.import_module(f"{__package__}.run.{launcher(platform)}")
    return tuple(getattr(module, "MACHINES", None) or (None,))


def targets(root: Path | None = None) -> list[tuple[str, str | None]]:
    """Every (platform, machine) an image can boot on: what tests and
    benchmarks cover, so a new platform or machine is covered at once."""
    return [(p, m) for p in names(root) for m in machines(p)]


def unknown(platform: str, known) -> str:
    """The error for a platform name that is none of `known`."""
    return f"unknown platform {platform!r}; choose one of: {', '.join(known)}"


def launcher(platform: str) -> str:
    """The launcher module's name of `platform` (KilnError if unknown)."""
    table = launchers()
    if platform not in table:
        raise KilnError(unknown(platform, table))
    return table[platform]


def _parse_cache(folder: Path) -> Path | None:
    """`folder`, made if need be, to keep one platform manifest's parse:
    one per platform folder name (each manifest is called library.toml),
    shared by every Kiln tree so that test trees do not pile up. A parse is
    used only for the same path and text: another tree's costs a parse.
    None when the cache cannot be written, which costs only that."""
    if not folder.is_dir():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
    return folder
