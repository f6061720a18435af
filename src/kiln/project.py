"""Loading an app together with its resolved image: the common first steps
of configure, build, size and why."""

from dataclasses import dataclass, field
from pathlib import Path

from . import catalog as catalog_mod, state
from .catalog import Catalog
from .manifest import AppManifest, load_app
from .paths import build_dir
from .resolve import Resolution, resolve


@dataclass
class Project:
    app: AppManifest
    platform: str
    catalog: Catalog
    res: Resolution
    overrides: state.Overrides
    # [[fetch]] entries of the image by name, prepared by `kiln build`.
    fetches: dict = field(default_factory=dict)

    @property
    def build(self) -> Path:
        return build_dir(self.app.dir, self.platform)

    @property
    def image(self) -> Path:
        return self.build / self.app.name

    @property
    def dbg(self) -> Path:
        return self.build / f"{self.app.name}.dbg"

    @property
    def map_file(self) -> Path:
        return self.build / f"{self.app.name}.map"

    @property
    def initrd(self) -> Path:
        return self.build / "initrd.cpio"

    @property
    def settings_file(self) -> Path:
        return state.path(self.app.dir, self.platform)

    def invalidate_build_files(self) -> None:
        """Makes the next build reconfigure and regenerate its ninja file."""
        (self.build / "kiln.stamp").unlink(missing_ok=True)

    @property
    def with_ktests(self) -> bool:
        return "ktest" in self.res.names()


def open_project(app_dir: Path, platform: str | None, uses: dict[str, str] | None = None,
                 save_uses: bool = True) -> Project:
    """Loads kiln.toml, the catalog and the user's overrides (adding `uses`,
    which are remembered when save_uses), and resolves the image."""
    app = load_app(app_dir)
    platform = platform or app.run.platform
    overrides = state.load(app.dir, platform)
    cat = catalog_mod.discover([app.dir / "lib"])
    if uses:
        overrides.use.update(uses)
    choices = {**app.choose, **overrides.use}
    requires = list(app.requires)
    if app.rootfs and "vfs-initrd" not in requires:
        requires.append("vfs-initrd")  # unpacks the initrd that [app] rootfs becomes
    res = resolve(cat, platform, requires, choices)
    if uses and save_uses:
        state.save(app.dir, platform, overrides)
    return Project(app, platform, cat, res, overrides)
